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
    {"ingest", cli_ingest, "observe: ingest darknet captures (pcap, pcapng, live)",
     "usage: ooda ingest --sensor NAME [options] FILE... | -\n"
     "       ooda ingest --sensor NAME [options] --live IFACE [--bpf FILTER]\n"
     "\n"
     "Decodes pcap/pcapng captures of a darknet (network telescope), classifies each\n"
     "packet (tcp_syn, udp, icmp_echo, backscatter, other) and aggregates per source\n"
     "per day, per port and class per hour, per country and per ASN per hour.\n"
     "Each file is committed in one transaction; a file whose content the sensor\n"
     "already ingested is skipped. See docs/darknet.md for the exact definitions.\n"
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
     "exit: 0 ok, 64 usage, 65 bad input (other files still ingested), 66 missing input\n"},
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
