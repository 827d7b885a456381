/* export.c - block lists for firewalls and IDS: an nftables set file and Suricata
 * datasets. Both take the listed indicators of the types they can enforce and write
 * them in the consumer's own syntax; neither truncates URLs to hosts (blocking a
 * whole host for one bad URL is the false positive operators complain of). */
#include "act/act.h"

#include <openssl/evp.h>
#include <string.h>

/* Writes the IPv4 or IPv6 elements of items as "a, b, c" lines of an nft set. */
static int write_elements(FILE *f, const struct act_item *items, size_t n, bool v6)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        const struct act_item *it = &items[i];
        bool is6 = strchr(it->value, ':') != NULL;

        if (is6 != v6 || (it->type != IOC_IPV4 && it->type != IOC_IPV6 && it->type != IOC_CIDR))
            continue;
        fprintf(f, "%s%s", k == 0 ? "\t\telements = {\n\t\t\t" : ",\n\t\t\t", it->value);
        k++;
    }
    if (k > 0)
        fputs("\n\t\t}\n", f);
    return (int)k;
}

enum err_code act_export_nft(FILE *f, const char *table, const struct act_item *items, size_t n,
                             struct err *e)
{
    fprintf(f,
            "#!/usr/sbin/nft -f\n"
            "# ooda block list: listed IPv4/IPv6 addresses and prefixes.\n"
            "# Load with: nft -f FILE (replaces the table's sets atomically)\n"
            "table inet %s\n"
            "delete table inet %s\n"
            "table inet %s {\n",
            table, table, table);
    fputs("\tset blocklist_v4 {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\tauto-merge\n", f);
    (void)write_elements(f, items, n, false);
    fputs("\t}\n\tset blocklist_v6 {\n\t\ttype ipv6_addr\n\t\tflags interval\n"
          "\t\tauto-merge\n",
          f);
    (void)write_elements(f, items, n, true);
    fputs("\t}\n}\n", f);
    if (ferror(f))
        return err_sys(e, ERR_IO, "export: write failed");
    return ERR_OK;
}

/* Suricata datasets: "string" sets hold base64 of the exact bytes the keyword sees
 * (dns.query, http.host, tls.sni); md5/sha256 sets hold lowercase hex. */
enum err_code act_export_suricata(FILE *f, enum ioc_type type, const struct act_item *items,
                                  size_t n, struct err *e)
{
    char b64[4 * ((IOC_VALUE_MAX + 2) / 3) + 1];

    for (size_t i = 0; i < n; i++) {
        size_t len;

        if (items[i].type != type)
            continue;
        len = strlen(items[i].value);
        if (type == IOC_MD5 || type == IOC_SHA256 || type == IOC_SHA1) {
            fprintf(f, "%s\n", items[i].value);
        } else if (len <= IOC_VALUE_MAX) {
            (void)EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)items[i].value,
                                  (int)len);
            fprintf(f, "%s\n", b64);
        }
    }
    if (ferror(f))
        return err_sys(e, ERR_IO, "export: write failed");
    return ERR_OK;
}
