/*-------------------------------------------------------------------------
 *
 * shippable.h
 *	  Calls of podrec functions that postgres_fdw can send to a shard.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/shippable.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PODREC_SHIPPABLE_H
#define PODREC_SHIPPABLE_H

#include "podrec.h"

#include "nodes/supportnodes.h"

extern Node *podrec_simplify_collation(SupportRequestSimplify *req);

#endif							/* PODREC_SHIPPABLE_H */
