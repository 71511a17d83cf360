/*-------------------------------------------------------------------------
 *
 * flatten.h
 *	  Flattening nested items into flat records, and back.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/flatten.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PODREC_FLATTEN_H
#define PODREC_FLATTEN_H

#include "podrec.h"

#include "utils/jsonb.h"

/* How an item is flattened: the key separator and the module step-id key. */
typedef struct FlattenOptions
{
	const char *sep;
	int			seplen;
	const char *step_key;
	int			step_keylen;
} FlattenOptions;

/* Receives one leaf: its flat key (not NUL-terminated) and its value. */
typedef void (*FlattenLeafCallback) (void *arg, const char *key, int keylen,
									 JsonbValue *value);

extern void podrec_flatten_options(FlattenOptions *opts, text *sep, text *step_key,
								   const char *fname);
extern void podrec_flatten_walk(Jsonb *item, const FlattenOptions *opts,
								FlattenLeafCallback emit, void *arg,
								const char *fname);
extern Jsonb *podrec_flatten(Jsonb *item, const FlattenOptions *opts,
							 MemoryContext work);
extern bool podrec_is_position(const char *s, int len);
extern void podrec_append_escaped(StringInfo buf, const char *s, int len,
								  const FlattenOptions *opts);

#endif							/* PODREC_FLATTEN_H */
