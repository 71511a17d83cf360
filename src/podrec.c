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

#include "fmgr.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* Called when the library is loaded: register settings and shared state. */
void
_PG_init(void)
{
}
