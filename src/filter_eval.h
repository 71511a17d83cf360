/*-------------------------------------------------------------------------
 *
 * filter_eval.h
 *	  Parsing filters from SQL values, preparing them and evaluating them
 *	  exactly over raw items.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/filter_eval.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PODREC_FILTER_EVAL_H
#define PODREC_FILTER_EVAL_H

#include "podrec.h"

#include "datatype/timestamp.h"
#include "filter.h"
#include "utils/jsonb.h"

/* A parsed, prepared filter, ready to be evaluated on many items. */
typedef struct PreparedFilter
{
	FilterNode *root;
	FilterDialect dialect;
	bool		needs_time;		/* has an AGE condition */
} PreparedFilter;

extern void *podrec_filter_palloc(void *ctx, size_t size);
extern void podrec_filter_report(const FilterError *err) pg_attribute_noreturn();

extern FJson *podrec_jsonb_to_fjson(FilterAlloc *a, Jsonb *jb);
extern FilterNode *podrec_filter_parse_jsonb(Jsonb *filter, const FilterResolver *resolver,
											 FilterDialect *dialect);
extern FilterNode *podrec_filter_parse_text(text *filter, const FilterResolver *resolver,
											FilterDialect *dialect);

extern void podrec_filter_prepare(PreparedFilter *pf, FilterNode *root,
								  FilterDialect dialect);
extern bool podrec_filter_eval(const PreparedFilter *pf, Jsonb *item,
							   bool has_time, TimestampTz at);
extern const char *podrec_filter_dialect_name(FilterDialect dialect);

/* filter.c: planner hooks, installed when the library is loaded */
extern void podrec_filter_planner_init(void);

#endif							/* PODREC_FILTER_EVAL_H */
