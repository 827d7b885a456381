/* observe_int.h - private to observe/: the per-record step and transaction helpers that
 * file ingest (ingest.c) and live capture (live.c) share. */
#ifndef OODA_OBSERVE_INT_H
#define OODA_OBSERVE_INT_H

#include "observe/observe.h"
#include "observe/pcapfile.h"

/* Decodes n (at most OBSERVE_BATCH) captured records, counts them, filters on the darknet
 * and aggregates the darknet packets. */
#define OBSERVE_BATCH 1024
enum err_code observe_take_batch(struct observe_ingest *in, const struct pcap_rec *recs, size_t n,
                                 struct observe_counts *c, struct err *e);
/* Begins a transaction; commit flushes the aggregates and commits; abort rolls back and
 * drops the in-memory state. */
enum err_code observe_tx_begin(struct observe_ingest *in, struct err *e);
enum err_code observe_tx_commit(struct observe_ingest *in, struct err *e);
void observe_tx_abort(struct observe_ingest *in);

#endif
