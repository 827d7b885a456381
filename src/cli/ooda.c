/* ooda.c - main(): dispatches `ooda <command>` and holds the help texts. Wiring only. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *help;
};

static const struct command commands[] = {
    {"ingest", cli_ingest, "observe: ingest darknet captures and sensor logs",
     "usage: ooda ingest --sensor NAME [options] FILE... | -\n"
     "       ooda ingest --sensor NAME [options] --live IFACE [--bpf FILTER]\n"
     "\n"
     "Each file's format is told by its first bytes.\n"
     "Captures (pcap/pcapng) of a darknet (network telescope): each packet is classified\n"
     "(tcp_syn, udp, icmp_echo, backscatter, other) and aggregated per source per day,\n"
     "per port and class per hour, per country and per ASN per hour (docs/darknet.md).\n"
     "Sensor logs (Suricata EVE, Zeek conn.log/dns.log as TSV or JSON, CEF over\n"
     "syslog, Cowrie JSON): events counted per hour and type, alerts per source and\n"
     "signature per day, and every host that resolves or contacts a listed indicator,\n"
     "or logs into a honeypot, gets evidence (docs/sensors.md, ooda hosts); bad lines\n"
     "are reported as FILE:LINE: reason and the rest is ingested.\n"
     "Each file is committed in one transaction; a file whose content the sensor\n"
     "already ingested is skipped.\n"
     "\n"
     "options:\n"
     "  --sensor NAME            sensor (observer) name; created when new (required)\n"
     "  --darknet CIDR[,CIDR..]  count only packets to these prefixes (default: all)\n"
     "  --scanner-threshold N    distinct darknet addresses that make a scanner (16)\n"
     "  --victim-threshold N     backscatter packets a day that make a DoS victim (8)\n"
     "  --live IFACE             capture from a network interface (libpcap)\n"
     "  --bpf FILTER             capture filter for --live\n"
     "  --count N                stop --live after N frames\n"
     "  --duration SECONDS       stop --live after this long\n"
     "  --commit-interval SECS   commit --live aggregates this often (10)\n"
     "  --geo DIR                IP-to-country/ASN data directory\n"
     "  --db PATH                database (default $OODA_DB or ./ooda.db)\n"
     "  --json                   machine-readable result on stdout\n"
     "  --quiet                  no per-file lines, no progress bar\n"
     "\n"
     "exit: 0 ok, 64 usage, 65 bad input (a bad capture commits nothing of itself, a log\n"
     "      its good lines; other files are still ingested), 66 missing input\n"},
    {"notify", cli_notify, "act: network-owner reports of likely infected hosts",
     "usage: ooda notify report (--asn N | --prefix CIDR | --country CC) [--since T]\n"
     "                          [--until T] [--format csv|json] [--owner NAME] [--at T]\n"
     "       ooda notify status [--owner NAME | --asn N | --prefix CIDR | --country CC]\n"
     "                          [--at T] [--json]\n"
     "       ooda notify owner add NAME (--asn N | --prefix CIDR | --country CC)\n"
     "                 (--dir DIR | --webhook URL --secret-file F |\n"
     "                  --smtp URL --from ADDR --to ADDR)\n"
     "       ooda notify owner list [--json]\n"
     "       ooda notify send [--owner NAME] [--since T] [--until T] [--at T]\n"
     "\n"
     "One row per piece of evidence against a likely infected or abusing host of the\n"
     "network owner, in the fixed schema of docs/reports.md (schema_version 1):\n"
     "timestamp, ip, asn, country, port, class, evidence, sensor. CSV has a header\n"
     "line; JSON is {\"schema_version\": 1, \"rows\": [...]}. Columns never change\n"
     "meaning or order; new ones only append, with a version bump.\n"
     "Each report is remembered (owner: --owner, else the scope; time: now or --at);\n"
     "status gives per owner the reported hosts still seen 1, 7 and 30 days later.\n"
     "send delivers each owner's report: a file, a webhook POST signed with HMAC-SHA256\n"
     "(X-Ooda-Signature), or an e-mail; a failed delivery exits 69 and is not\n"
     "remembered.\n"},
    {"report", cli_report, "orient: situation report of a time window",
     "usage: ooda report --since T [--until T] [--format md|html|json] [--db PATH]\n"
     "\n"
     "A situation report a CSIRT can send as is (docs/report.md): darknet totals and\n"
     "classes, early-warning alerts, top ports, countries and ASNs, new scanners, DoS\n"
     "victims, likely infected hosts by class, and the listed indicators reached most.\n"},
    {"hosts", cli_hosts, "orient: likely infected hosts with their evidence",
     "usage: ooda hosts [--asn N | --prefix CIDR | --country CC] [--since T] [--until T]\n"
     "                  [--json] [--db PATH]\n"
     "\n"
     "Hosts with evidence of infection, in address order, each with every piece of\n"
     "evidence (kind, sensor, what, port, count, first and last seen): darknet-scan (it\n"
     "scanned the darknet), dns-listed, flow-listed, http-listed, tls-listed,\n"
     "file-listed (a sensor log shows it resolving or contacting a listed indicator).\n"
     "The filters combine; none lists every host. See docs/hosts.md.\n"},
    {"alerts", cli_alerts, "orient: early warning of port scanning surges",
     "usage: ooda alerts [--since T] [--until T] [--sensor NAME] [--json] [--db PATH]\n"
     "\n"
     "Runs the early-warning detector over the stored hourly darknet aggregates of each\n"
     "sensor (or NAME) for the hours meeting the window (default: all), stores its alerts\n"
     "(re-running updates them, never duplicates) and prints the alerts of the window.\n"
     "An alert (kind port-surge) is a run of consecutive hours in which a (port, class)\n"
     "pair's packets and new sources both exceed median + 6 MAD of the same hour-of-day\n"
     "over the previous 7 days (or the median of the 6 hours before, if larger); hours\n"
     "with fewer than 3 earlier days of data have no baseline and never alarm.\n"
     "JSON: an array of {id, sensor, kind, port, class, start_hour, end_hour, hours,\n"
     "packets, baseline, magnitude, new_sources, top_sources [{ip, country, asn,\n"
     "packets}], top_countries [{country, sources, packets}], created}; packets,\n"
     "baseline and new_sources are of the start hour, magnitude = packets / baseline.\n"
     "See docs/early-warning.md.\n"},
    {"darknet", cli_darknet, "orient: darknet summary and top-N tables",
     "usage: ooda darknet summary [--since T] [--until T] [--sensor NAME] [--json]\n"
     "       ooda darknet top --by source|port|country|asn [--since T] [--until T]\n"
     "                        [-n N] [--sensor NAME] [--json]\n"
     "       ooda darknet series [--port P] [--class C] [--since T] [--until T]\n"
     "                        [--sensor NAME] [--json]\n"
     "\n"
     "T is RFC 3339 (2026-11-02T00:00:00Z), a date (2026-11-02), @UNIXSECONDS or a\n"
     "duration back from now (24h, 7d). Ranges are rounded out to whole hours.\n"
     "summary: packets, bytes, sources, scanners, backscatter_victims, classes.\n"
     "top: entries ordered by packets with their distinct source counts.\n"
     "series: hourly packets, distinct sources and new sources (first seen that day on\n"
     "that port and class) of one port/class pair, or of all traffic.\n"
     "  --db PATH   database (default $OODA_DB or ./ooda.db)\n"},
    {"match", cli_match, "match: DNS and proxy logs against the listed indicators",
     "usage: ooda match [--format F] [--json] [--quiet] [--db PATH | --indicators FILE]\n"
     "                  LOGFILE...\n"
     "\n"
     "Matches every query of the logs against a snapshot of the indicators listed for\n"
     "blocking now: a name hits when it or any parent domain is listed, a URL when one\n"
     "of its Safe Browsing expressions is, or else its host; an address when a listed\n"
     "prefix contains it. Prints one line per hit (time, client, query, type, indicator,\n"
     "score), then a summary (lines, queries, hits, malformed, skipped, timings).\n"
     "Formats (detected from the first lines when --format is absent):\n"
     "  plain          one name, URL or address per line\n"
     "  bind-querylog  BIND 9 query log\n"
     "  unbound        Unbound log-queries lines\n"
     "  zeek-dns       Zeek dns.log (TSV with a #fields header)\n"
     "  squid          Squid access.log, native format\n"
     "See docs/match.md for the exact rules.\n"
     "\n"
     "options:\n"
     "  --format F          log format (see above)\n"
     "  --json              one JSON object per hit, then the summary object\n"
     "  --quiet             print only the summary\n"
     "  --db PATH           database (default $OODA_DB or ./ooda.db)\n"
     "  --indicators FILE   match against this plain list (one value per line, type\n"
     "                      guessed) instead of the store: a testing and benchmark aid\n"
     "\n"
     "exit: 0 ok, 64 usage or undetectable format, 65 malformed lines (the rest is\n"
     "matched), 66 missing input\n"},
    {"feed", cli_feed, "observe: indicator feeds and allowlists (add, pull, list, conflicts)",
     "usage: ooda feed add NAME --format plain|csv|urlhaus-csv|misp|stix\n"
     "                     --file PATH | --url URL [options]\n"
     "       ooda feed pull [NAME] [--json]\n"
     "       ooda feed list [--json]\n"
     "       ooda feed conflicts [--json]\n"
     "       ooda feed removals [NAME] [--json]\n"
     "\n"
     "Feeds list malicious indicators (or, with --allowlist, domains and addresses never\n"
     "to block). A pull fetches the feed, canonicalises every entry and stores it in one\n"
     "transaction; entries the feed no longer lists are marked missing and removed after\n"
     "the grace period (logged; see 'feed removals'). Bad records are reported as\n"
     "FILE:LINE: reason. A feed that cannot be fetched or parsed keeps its previous\n"
     "entries. 'conflicts' lists indicators an allowlist covers. See docs/feeds.md.\n"
     "add options:\n"
     "  --format F        plain, csv, urlhaus-csv, misp (directory or base URL), stix\n"
     "  --file PATH | --url URL   where to read it (http or https)\n"
     "  --tlp LEVEL       clear, green, amber, amber+strict, red (default amber)\n"
     "  --confidence N    0..100 for entries that carry none (default 80)\n"
     "  --columns MAP     csv: value=N[,type=N,seen=N,tags=N,confidence=N,tlp=N,\n"
     "                    valid_until=N] (default value=1)\n"
     "  --org ORG         organisation publishing the feed\n"
     "  --allowlist       entries are allowlist entries\n"
     "  --grace DURATION  how long a missing entry stays listed (default 24h; 0: none)\n"
     "  --tau DURATION    decay lifetime (default 120d); --delta X decay speed (2)\n"
     "  --db PATH         database (default $OODA_DB or ./ooda.db)\n"
     "exit: 0 ok (rejected records are counted, not fatal), 64 usage, 65 feed data\n"
     "unusable as a whole, 66 feed file missing, 69 download failed, 70 internal error\n"},
    {"export", cli_export, "act: export the block list (RPZ zone, nftables, list, Suricata)",
     "usage: ooda export rpz --zone NAME [--action nxdomain|nodata|passthru|drop|cname:TARGET]\n"
     "       ooda export nft [--table NAME]\n"
     "       ooda export list --type T\n"
     "       ooda export suricata-dataset [--type domain|md5|sha256]\n"
     "       common: [--tlp LEVEL] [--output FILE] [--db PATH]\n"
     "\n"
     "Writes the indicators listed now (decayed score over the threshold, valid, not\n"
     "allowlisted) whose TLP is within --tlp (default amber; red only when asked).\n"
     "rpz: a DNS Response Policy Zone: domains as NAME and *.NAME triggers, addresses\n"
     "and CIDRs as rpz-ip triggers; the SOA serial grows whenever the content changes.\n"
     "URLs are not cut down to their hosts (see docs/delivery.md).\n"
     "nft: a script that atomically replaces table inet NAME (default ooda) with the\n"
     "interval sets blocklist_v4 and blocklist_v6.\n"
     "list: one canonical value of type T per line.\n"
     "suricata-dataset: a dataset file: domains as base64 strings, md5/sha256 as hex.\n"
     "--output FILE is written to a temporary file and renamed into place.\n"},
    {"serve", cli_serve, "act: serve the HTTP lookup APIs and the RPZ primary",
     "usage: ooda serve [--http ADDR:PORT] [--rpz ADDR:PORT --zone NAME] [options]\n"
     "\n"
     "--http: GET/POST /api/v1/lookup and the hash-prefix API /api/v1/hashes/prefixes\n"
     "and /api/v1/hashes/full, each needing 'Authorization: Bearer TOKEN' (ooda token);\n"
     "GET /api/v1/ (discovery) needs none. See docs/api.md.\n"
     "--rpz: an RPZ primary over TCP and UDP: SOA, AXFR, IXFR from the retained deltas,\n"
     "NOTIFY to each --notify target on change. See docs/rpz.md.\n"
     "The database is polled; a change (a feed pull, an ingest) or the rebuild interval\n"
     "(scores decay) republishes the listed indicators to both.\n"
     "\n"
     "options:\n"
     "  --zone NAME             RPZ origin (required with --rpz)\n"
     "  --action A              nxdomain (default), nodata, passthru, drop, cname:TARGET\n"
     "  --tsig NAME:SECRET      require TSIG HMAC-SHA256 with this key (base64 secret)\n"
     "  --notify ADDR:PORT      secondary to NOTIFY on change (repeatable, up to 16)\n"
     "  --tlp LEVEL             most restrictive TLP put in the zone (default amber)\n"
     "  --poll SECONDS          how often to check the database (1)\n"
     "  --rebuild SECONDS       republish at least this often (300)\n"
     "  --threads N             HTTP worker threads (2)\n"
     "  --db PATH               database (default $OODA_DB or ./ooda.db)\n"
     "Port 0 picks a free port; the bound ports are printed on stderr. Stops on SIGTERM.\n"},
    {"token", cli_token, "act: API tokens for ooda serve",
     "usage: ooda token add NAME [--clearance LEVEL] [--json]\n"
     "       ooda token list [--json]\n"
     "       ooda token revoke NAME\n"
     "\n"
     "add prints a new bearer token once; the database keeps only its SHA-256.\n"
     "--clearance: the most restrictive TLP the holder may receive (default green):\n"
     "clear, green, amber, amber+strict, red.\n"},
    {"check-url", cli_check_url, "act: check a URL against a server without revealing it",
     "usage: ooda check-url URL --server http://HOST:PORT [--token T] [--state-file F]\n"
     "                      [--json]\n"
     "\n"
     "Keeps the server's 4-byte SHA-256 prefixes of listed URL expressions in the state\n"
     "file (default ~/.cache/ooda/hash-prefixes), updating it incrementally, and asks\n"
     "for full hashes only when one of the URL's Safe Browsing expressions hits a\n"
     "prefix. The token comes from --token or $OODA_TOKEN. Exit 0 whether or not the\n"
     "URL is listed (see the output); 69 when the server cannot be reached.\n"},
    {"db", cli_db, "store: database integrity check and schema version",
     "usage: ooda db check [--db PATH] [--json]\n"
     "\n"
     "Runs SQLite's integrity check and prints the schema version. Exit 0 when ok,\n"
     "65 when the database is damaged.\n"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

bool cli_help(const char *cmd, FILE *out)
{
    if (cmd == NULL || *cmd == '\0') {
        fprintf(out, "ooda %s - observe, orient, decide, act: the dynamic cyber-defense loop\n"
                     "\n"
                     "usage: ooda <command> [options]\n"
                     "       ooda help <command> | ooda <command> --help\n"
                     "       ooda --version\n"
                     "\n"
                     "commands:\n",
                OODA_VERSION);
        for (size_t i = 0; i < NCOMMANDS; i++)
            fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
        fprintf(out, "\nEvery reporting command takes --json. Exit codes follow sysexits.h.\n");
        return true;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, cmd) == 0) {
            fputs(commands[i].help, out);
            return true;
        }
    return false;
}

static void set_log_level(void)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    const char *v = getenv("OODA_LOG");

    for (int i = 0; v != NULL && i < 4; i++)
        if (strcmp(v, names[i]) == 0)
            log_set_level((enum log_level)i);
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : NULL;

    set_log_level();
    if (cmd == NULL) {
        cli_help("", stderr);
        return EX_USAGE;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        cli_help("", stdout);
        return EX_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("ooda %s\n", OODA_VERSION);
        return EX_OK;
    }
    if (strcmp(cmd, "help") == 0) {
        if (!cli_help(argc > 2 ? argv[2] : "", stdout))
            return cli_usage("help", "unknown command");
        return EX_OK;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, cmd) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "ooda: unknown command '%s'; see 'ooda --help'\n", cmd);
    return EX_USAGE;
}
