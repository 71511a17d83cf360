/*-------------------------------------------------------------------------
 *
 * find.h
 *	  Finding stored items: the parameters of a find, keyset cursors, and
 *	  the index-served queries behind podrec.find, podrec.mget and
 *	  podrec.records.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/find.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PODREC_FIND_H
#define PODREC_FIND_H

#include "podrec.h"

#include "utils/jsonb.h"
#include "utils/timestamp.h"

/* Page size when a find gives no limit, and the largest it may ask for. */
#define FIND_DEFAULT_LIMIT 20
#define FIND_MAX_LIMIT 1000

/* Most requests one mget body may hold. */
#define MGET_MAX_REQUESTS 100

/* What a find orders by, after which (created_at, id) break ties. */
typedef enum FindSort
{
	FIND_SORT_CREATED,			/* created_at (creationDate): the btree order */
	FIND_SORT_UPDATED,			/* updated_at (lastEditDate) */
	FIND_SORT_STARTED,			/* started_at, missing as -infinity */
	FIND_SORT_ENDED,			/* ended_at, missing as -infinity */
	FIND_SORT_FLAT				/* a flat key of the item, missing as JSON null */
} FindSort;

/* Which parameters a caller accepts. */
typedef enum FindMode
{
	FIND_MODE_FIND,				/* podrec.find and mget: one flow */
	FIND_MODE_RECORDS			/* podrec.records: flow_id and join_by, no status or after */
} FindMode;

/* One find, its parameters checked. */
typedef struct FindRequest
{
	const char *prefix;			/* "" or "request 3: ", put before messages */
	text	   *flow_id;		/* NULL: every flow the caller sees */
	Datum		statuses;		/* text[] */
	TimestampTz start;			/* created_at >= start */
	TimestampTz end;			/* created_at < end */
	Jsonb	   *filter;			/* NULL: no filter */
	int64		limit;			/* -1: no limit (records with join_by) */
	int64		skip;
	FindSort	sort;
	text	   *sort_key;		/* FIND_SORT_FLAT: the flat key */
	bool		desc;
	bool		has_after;		/* the keyset position of the after cursor */
	Datum		after_value;	/* timestamptz or jsonb, unless FIND_SORT_CREATED */
	TimestampTz after_created;
	int64		after_id;
	bool		join_by_given;	/* records: limit and skip apply after the join */

	/*
	 * How the find keeps to the caller's rows (find_access in find.c): with
	 * as_owner, the query runs as the owner of podrec.items, which bypasses
	 * row-level security, and states the tenant predicate of the policies
	 * itself (one_account: account_id = tenant; NULL tenant: no rows).
	 */
	bool		as_owner;
	Oid			owner;
	bool		one_account;
	text	   *tenant;
} FindRequest;

extern void find_parse_params(Jsonb *params, FindMode mode, const char *prefix,
							  FindRequest *req);
extern FindRequest *mget_parse_body(Jsonb *body, int *nreqs);

#endif							/* PODREC_FIND_H */
