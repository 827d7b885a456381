/* live.c - `ooda ingest --live IFACE`: capture through libpcap, decode and aggregate as
 * for files, and commit every commit interval (and at the end), so a crash loses at
 * most one interval. Stops on max packets, duration, or *stop. */
#include "observe/decode.h"
#include "observe/observe_int.h"

#include <pcap/pcap.h>
#include <poll.h>
#include <string.h>

static enum err_code open_capture(const struct observe_live_opts *lo, pcap_t **out,
                                  struct err *e)
{
    char eb[PCAP_ERRBUF_SIZE] = "";
    struct bpf_program prog;
    pcap_t *p = pcap_create(lo->iface, eb);

    *out = NULL;
    if (p == NULL)
        return err_set(e, ERR_IO, "live: %s: %s", lo->iface, eb);
    (void)pcap_set_snaplen(p, 512); /* headers (and ICMP quotes) are all we read */
    (void)pcap_set_timeout(p, 200);
    (void)pcap_set_buffer_size(p, 16 << 20);
    if (pcap_activate(p) < 0) {
        err_set(e, ERR_IO, "live: %s: %s", lo->iface, pcap_geterr(p));
        pcap_close(p);
        return ERR_IO;
    }
    if (!observe_decode_linktype_ok(pcap_datalink(p))) {
        err_set(e, ERR_IO, "live: %s: unsupported link type %d", lo->iface, pcap_datalink(p));
        pcap_close(p);
        return ERR_IO;
    }
    if (lo->bpf != NULL) {
        if (pcap_compile(p, &prog, lo->bpf, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
            pcap_setfilter(p, &prog) != 0) {
            err_set(e, ERR_USAGE, "live: bad filter '%s': %s", lo->bpf, pcap_geterr(p));
            pcap_close(p);
            return ERR_USAGE;
        }
        pcap_freecode(&prog);
    }
    /* Non-blocking with our own poll(): the capture timeout alone does not expire on
     * every platform when no packet arrives, and --duration must hold on a quiet link. */
    if (pcap_setnonblock(p, 1, eb) != 0 || pcap_get_selectable_fd(p) < 0) {
        err_set(e, ERR_IO, "live: %s: cannot poll the capture: %s", lo->iface, eb);
        pcap_close(p);
        return ERR_IO;
    }
    *out = p;
    return ERR_OK;
}

static bool should_stop(const struct observe_live_opts *lo, const struct observe_counts *n,
                        double t0)
{
    if (lo->stop != NULL && *lo->stop)
        return true;
    if (lo->max_packets > 0 && n->frames >= lo->max_packets)
        return true;
    return lo->duration > 0 && time_mono() - t0 >= lo->duration;
}

static enum err_code capture_loop(struct observe_ingest *in, pcap_t *p,
                                  const struct observe_live_opts *lo, struct observe_counts *n,
                                  struct err *e)
{
    double t0 = time_mono(), last = t0;
    double every = lo->commit_interval > 0 ? lo->commit_interval : 10;
    int lt = pcap_datalink(p);
    enum err_code rc = ERR_OK;

    while (rc == ERR_OK && !should_stop(lo, n, t0)) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int r = pcap_next_ex(p, &h, &data);
        if (r == 0) {
            struct pollfd pfd = {pcap_get_selectable_fd(p), POLLIN, 0};
            (void)poll(&pfd, 1, 100); /* EINTR (a signal) just ends the wait early */
        } else if (r == 1) {
            struct pcap_rec rec = {
                h->ts.tv_sec, (uint32_t)h->ts.tv_usec * 1000u, h->caplen, h->len, lt, data};
            rc = observe_take_batch(in, &rec, 1, n, e);
        } else if (r < 0) {
            rc = err_set(e, ERR_IO, "live: %s: %s", lo->iface, pcap_geterr(p));
        }
        if (rc == ERR_OK && time_mono() - last >= every) {
            rc = observe_tx_commit(in, e);
            if (rc == ERR_OK)
                rc = observe_tx_begin(in, e);
            last = time_mono();
        }
    }
    return rc;
}

enum err_code observe_ingest_live(struct observe_ingest *in, const struct observe_live_opts *lo,
                                  struct observe_counts *n, struct err *e)
{
    pcap_t *p;
    enum err_code rc = open_capture(lo, &p, e);

    memset(n, 0, sizeof(*n));
    if (rc != ERR_OK)
        return rc;
    rc = observe_tx_begin(in, e);
    if (rc == ERR_OK)
        rc = capture_loop(in, p, lo, n, e);
    if (rc == ERR_OK)
        rc = observe_tx_commit(in, e);
    else
        observe_tx_abort(in);
    pcap_close(p);
    return rc;
}
