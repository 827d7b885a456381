/* ip.c - IPv4/IPv6 addresses as 16 bytes (IPv4-mapped) and CIDR prefixes. */
#include "util/util.h"

#include <arpa/inet.h>
#include <string.h>

void ip16_from_v4(struct ip16 *ip, uint32_t v4)
{
    memset(ip->b, 0, 10);
    ip->b[10] = 0xff;
    ip->b[11] = 0xff;
    ip->b[12] = (uint8_t)(v4 >> 24);
    ip->b[13] = (uint8_t)(v4 >> 16);
    ip->b[14] = (uint8_t)(v4 >> 8);
    ip->b[15] = (uint8_t)v4;
}

enum err_code ip16_parse(const char *s, struct ip16 *out, struct err *e)
{
    struct in_addr a4;

    if (s == NULL)
        return err_set(e, ERR_PARSE, "ip: empty");
    if (inet_pton(AF_INET, s, &a4) == 1) {
        ip16_from_v4(out, ntohl(a4.s_addr));
        return ERR_OK;
    }
    if (inet_pton(AF_INET6, s, out->b) == 1)
        return ERR_OK;
    return err_set(e, ERR_PARSE, "ip: '%s' is not an IPv4 or IPv6 address", s);
}

char *ip16_format(const struct ip16 *ip, char *out, size_t cap)
{
    if (cap == 0)
        return out;
    if (ip16_is_v4(ip)) {
        (void)snprintf(out, cap, "%u.%u.%u.%u", ip->b[12], ip->b[13], ip->b[14], ip->b[15]);
        return out;
    }
    if (inet_ntop(AF_INET6, ip->b, out, (socklen_t)cap) == NULL)
        out[0] = '\0';
    return out;
}

enum err_code cidr_parse(const char *s, struct cidr *out, struct err *e)
{
    char addr[64];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    int64_t len;
    struct err ne;
    bool v4;

    if (n == 0 || n >= sizeof(addr))
        return err_set(e, ERR_PARSE, "cidr: '%s' is not a prefix", s);
    memcpy(addr, s, n);
    addr[n] = '\0';
    if (ip16_parse(addr, &out->net, &ne) != ERR_OK)
        return err_set(e, ERR_PARSE, "cidr: '%s': bad address", s);
    v4 = ip16_is_v4(&out->net) && strchr(addr, ':') == NULL;
    if (slash == NULL)
        len = v4 ? 32 : 128;
    else if (num_parse_i64(slash + 1, 0, v4 ? 32 : 128, &len, &ne) != ERR_OK)
        return err_set(e, ERR_PARSE, "cidr: '%s': bad prefix length", s);
    out->len = (uint8_t)(v4 ? len + 96 : len);
    for (int bit = out->len; bit < 128; bit++)
        if (out->net.b[bit / 8] & (0x80 >> (bit % 8)))
            return err_set(e, ERR_PARSE, "cidr: '%s': host bits set", s);
    return ERR_OK;
}

bool cidr_contains(const struct cidr *c, const struct ip16 *ip)
{
    int full = c->len / 8, rest = c->len % 8;

    if (memcmp(c->net.b, ip->b, (size_t)full) != 0)
        return false;
    if (rest == 0)
        return true;
    return ((c->net.b[full] ^ ip->b[full]) & (uint8_t)(0xff00 >> rest)) == 0;
}

char *cidr_format(const struct cidr *c, char *out, size_t cap)
{
    char a[64];
    bool v4 = ip16_is_v4(&c->net) && c->len >= 96;

    (void)ip16_format(&c->net, a, sizeof(a));
    (void)snprintf(out, cap, "%s/%u", a, v4 ? c->len - 96u : c->len);
    return out;
}
