/* progress.c - a one-line progress bar on stderr (bytes, rate, ETA), drawn only when
 * stderr is a terminal and the input is large enough to be worth it. */
#include "util/util.h"

#include <unistd.h>

#define PROGRESS_MIN_BYTES (64u << 20)

void progress_init(struct progress *p, const char *label, uint64_t total)
{
    p->label = label;
    p->total = total;
    p->done = 0;
    p->start = p->last = time_mono();
    p->enabled = isatty(STDERR_FILENO) && (total == 0 || total >= PROGRESS_MIN_BYTES);
}

static void human(double v, char *out, size_t cap)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;

    while (v >= 1000 && u < 4) {
        v /= 1000;
        u++;
    }
    (void)snprintf(out, cap, "%.1f %s", v, units[u]);
}

static void draw(struct progress *p, double now)
{
    char done[32], total[32], rate[32], eta[32] = "";
    double el = now - p->start, r = el > 0 ? (double)p->done / el : 0;

    human((double)p->done, done, sizeof(done));
    human(r, rate, sizeof(rate));
    if (p->total > 0) {
        human((double)p->total, total, sizeof(total));
        if (r > 0 && p->total > p->done) {
            long s = (long)((double)(p->total - p->done) / r);
            (void)snprintf(eta, sizeof(eta), "  ETA %ld:%02ld", s / 60, s % 60);
        }
        (void)fprintf(stderr, "\r%s  %s / %s  %s/s%s   ", p->label, done, total, rate, eta);
    } else {
        (void)fprintf(stderr, "\r%s  %s  %s/s   ", p->label, done, rate);
    }
}

void progress_update(struct progress *p, uint64_t done)
{
    double now;

    p->done = done;
    if (!p->enabled)
        return;
    now = time_mono();
    if (now - p->last < 0.2)
        return;
    p->last = now;
    draw(p, now);
}

void progress_finish(struct progress *p)
{
    if (!p->enabled)
        return;
    draw(p, time_mono());
    (void)fputc('\n', stderr);
}
