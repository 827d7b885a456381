/* observe_int.h - private to observe/: the per-record step and transaction helpers that
 * file ingest (ingest.c) and live capture (live.c) share. */
#ifndef OODA_OBSERVE_INT_H
#define OODA_OBSERVE_INT_H

#include "observe/observe.h"

/* Decodes one captured frame, filters on the darknet and aggregates it. */
enum err_code observe_take_frame(struct observe_ingest *in, int64_t ts_sec, int linktype,
                                 const uint8_t *data, size_t caplen, struct observe_counts *n,
                                 struct err *e);
/* Begins a transaction; commit flushes the aggregates and commits; abort rolls back and
 * drops the in-memory state. */
enum err_code observe_tx_begin(struct observe_ingest *in, struct err *e);
enum err_code observe_tx_commit(struct observe_ingest *in, struct err *e);
void observe_tx_abort(struct observe_ingest *in);

#endif
