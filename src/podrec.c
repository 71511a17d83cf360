/*-------------------------------------------------------------------------
 *
 * podrec.c
 *	  Module entry point: library magic and start-up.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/podrec.c
 *
 *-------------------------------------------------------------------------
 */
#include "podrec.h"

#include "filter_eval.h"
#include "ratelimit.h"
#include "record_types.h"

#include "fmgr.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* Called when the library is loaded: register settings and shared state. */
void
_PG_init(void)
{
	podrec_ratelimit_init();
	podrec_records_init();
	podrec_filter_planner_init();

	/* After every module has defined its settings: podrec.* is ours. */
	MarkGUCPrefixReserved("podrec");
}
