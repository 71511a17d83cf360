/*-------------------------------------------------------------------------
 *
 * shippable.c
 *	  Calls of podrec functions that postgres_fdw can send to a shard.
 *
 * postgres_fdw sends a function call to the remote server only when the
 * call's input collation is the collation of a column of the foreign table
 * (or the call has none).  A call such as matches(doc, 'n > 1') or
 * records_flatten(doc), whose text arguments are constants, has the
 * database's default collation and so ran on the coordinator, over every
 * row fetched.  podrec's functions never use the collation of their call:
 * where they compare text they name the collation themselves.  The planner
 * support below lets their calls carry no input collation, which changes
 * nothing they compute and lets postgres_fdw ship them (with extensions
 * 'podrec' on the foreign server).
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/shippable.c
 *
 *-------------------------------------------------------------------------
 */
#include "shippable.h"

#include "fmgr.h"
#include "nodes/primnodes.h"

PG_FUNCTION_INFO_V1(podrec_shippable_support);

/*
 * The call of a podrec function without its input collation, or NULL when
 * it has none (then the planner keeps the call as it is).
 */
Node *
podrec_simplify_collation(SupportRequestSimplify *req)
{
	FuncExpr   *call = req->fcall;
	FuncExpr   *copy;

	if (!OidIsValid(call->inputcollid))
		return NULL;
	copy = makeNode(FuncExpr);
	*copy = *call;
	copy->inputcollid = InvalidOid;
	return (Node *) copy;
}

/*
 * shippable_support(internal) returns internal
 *
 * Planner support for podrec functions with text arguments whose results do
 * not depend on a collation: their calls carry none.
 */
Datum
podrec_shippable_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);

	if (IsA(rawreq, SupportRequestSimplify))
		PG_RETURN_POINTER(podrec_simplify_collation((SupportRequestSimplify *) rawreq));
	PG_RETURN_POINTER(NULL);
}
