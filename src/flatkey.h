/*-------------------------------------------------------------------------
 *
 * flatkey.h
 *	  Resolving a flat key against a raw item, without flattening it.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/flatkey.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PODREC_FLATKEY_H
#define PODREC_FLATKEY_H

#include "podrec.h"

#include "filter.h"
#include "flatten.h"

/* What a flat key names in the flat record of an item. */
typedef enum FlatKind
{
	FLAT_MISSING,				/* no leaf has this key or a key below it */
	FLAT_LEAF,					/* a leaf: a scalar, null, {} or [] */
	FLAT_SUBTREE				/* a proper prefix of leaf keys */
} FlatKind;

/*
 * The node a flat key resolves to.  For a leaf, value is the scalar (or an
 * empty container as jbvBinary); for a subtree, value is its container and
 * step_element says that it is a module element addressed by its step id,
 * whose step-id key is not part of the flat record.
 */
typedef struct FlatNode
{
	FlatKind	kind;
	JsonbValue	value;
	bool		step_element;
	bool		module_array;	/* a top-level array: children by step id or position */
} FlatNode;

extern FlatKind podrec_flat_lookup(JsonbContainer *root, const FilterSeg *segs,
								   int nsegs, const FlattenOptions *opts,
								   FlatNode *out);
extern bool podrec_flat_child(const FlatNode *node, const char *seg, int len,
							  const FlattenOptions *opts, FlatNode *out);

/* Receives one direct child of a subtree. */
typedef bool (*FlatChildCallback) (void *arg, const FlatNode *child);

extern bool podrec_flat_each_child(const FlatNode *node, const FlattenOptions *opts,
								   FlatChildCallback callback, void *arg);
extern void podrec_default_flatten_options(FlattenOptions *opts);

#endif							/* PODREC_FLATKEY_H */
