/*-------------------------------------------------------------------------
 *
 * ratelimit.h
 *	  The per-client rate limit kept in shared memory (seed 001: "400
 *	  requests per minute"), and PostgREST's db-pre-request function.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/ratelimit.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PODREC_RATELIMIT_H
#define PODREC_RATELIMIT_H

/*
 * Define the podrec.rate_limit* settings and, when the library is being
 * loaded from shared_preload_libraries, ask for the shared memory that holds
 * the counters.  Called once from _PG_init.
 */
extern void podrec_ratelimit_init(void);

#endif							/* PODREC_RATELIMIT_H */
