/*-------------------------------------------------------------------------
 *
 * flatkey.c
 *	  Resolving flat keys against raw items, by the rules of
 *	  records_flatten but without building the flat record.
 *
 * A flat key names, in the flat record of an item, nothing (missing), a
 * leaf, or a subtree (a proper prefix of leaf keys).  The resolution
 * follows the flattening rules exactly (README, "Flattening"): below a
 * top-level array, a segment that is a position addresses the element at
 * that position unless the element is addressed by its step id, and any
 * other segment addresses the first element carrying that step id; the
 * step-id key of a step-addressed element is not part of the record; an
 * element holding only its step id is the leaf {}.  Deeper arrays are
 * addressed by position only.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/flatkey.c
 *
 *-------------------------------------------------------------------------
 */
#include "podrec.h"

#include "filter_eval.h"
#include "flatkey.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

PG_FUNCTION_INFO_V1(podrec_flat_get);

/* The default flattening options: "." and "flow_step_id". */
void
podrec_default_flatten_options(FlattenOptions *opts)
{
	opts->sep = ".";
	opts->seplen = 1;
	opts->step_key = "flow_step_id";
	opts->step_keylen = 12;
}

/* The value of a segment that podrec_is_position accepted (at most 9 digits). */
static long
position_value(const char *seg, int len)
{
	long		v = 0;
	int			i;

	for (i = 0; i < len; i++)
		v = v * 10 + (seg[i] - '0');
	return v;
}

/* Make a node of a value found at a key: a leaf, or a subtree if non-empty. */
static void
classify(const JsonbValue *v, FlatNode *out)
{
	out->value = *v;
	out->step_element = false;
	out->module_array = false;
	if (v->type == jbvBinary && JsonContainerSize(v->val.binary.data) > 0)
		out->kind = FLAT_SUBTREE;
	else
		out->kind = FLAT_LEAF;
}

/*
 * The step id by which a module element would be addressed (a string that
 * is not a position), or NULL.
 */
static const char *
element_step_id(const JsonbValue *elem, const FlattenOptions *opts, int *len)
{
	JsonbValue	id;

	if (elem->type != jbvBinary || !JsonContainerIsObject(elem->val.binary.data))
		return NULL;
	if (!getKeyJsonValueFromContainer(elem->val.binary.data, opts->step_key,
									  opts->step_keylen, &id) ||
		id.type != jbvString ||
		podrec_is_position(id.val.string.val, id.val.string.len))
		return NULL;
	*len = id.val.string.len;
	return id.val.string.val;
}

/* Does an element before position `before` carry step id sid? */
static bool
earlier_step_id(JsonbContainer *array, uint32 before, const char *sid, int sidlen,
				const FlattenOptions *opts)
{
	uint32		j;

	for (j = 0; j < before; j++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(array, j);
		const char *other;
		int			otherlen;

		CHECK_FOR_INTERRUPTS();
		other = element_step_id(e, opts, &otherlen);
		if (other != NULL && otherlen == sidlen && memcmp(other, sid, sidlen) == 0)
			return true;
	}
	return false;
}

/* Make the node of a module element, addressed by step id or by position. */
static void
module_element_node(const JsonbValue *elem, bool by_step, FlatNode *out)
{
	if (!by_step)
	{
		classify(elem, out);
		return;
	}
	out->value = *elem;
	out->module_array = false;
	if (JsonContainerSize(elem->val.binary.data) == 1)
	{
		/* Only the step id: the element is the leaf {}. */
		static const uint32 empty_object_header = JB_FOBJECT;

		out->kind = FLAT_LEAF;
		out->step_element = false;
		out->value.val.binary.data = (JsonbContainer *) &empty_object_header;
		out->value.val.binary.len = sizeof(empty_object_header);
	}
	else
	{
		out->kind = FLAT_SUBTREE;
		out->step_element = true;
	}
}

/* Resolve one segment below a module array. */
static bool
module_child(JsonbContainer *array, const char *seg, int len,
			 const FlattenOptions *opts, FlatNode *out)
{
	uint32		n = JsonContainerSize(array);
	uint32		i;

	if (podrec_is_position(seg, len))
	{
		long		position = position_value(seg, len);
		JsonbValue *elem;
		const char *sid;
		int			sidlen;

		if (position > (long) n)
			return false;
		elem = getIthJsonbValueFromContainer(array, (uint32) position - 1);
		sid = element_step_id(elem, opts, &sidlen);

		/* An element with its own step id is addressed by it, unless repeated. */
		if (sid != NULL &&
			!earlier_step_id(array, (uint32) position - 1, sid, sidlen, opts))
			return false;
		module_element_node(elem, false, out);
		return true;
	}
	for (i = 0; i < n; i++)
	{
		JsonbValue *elem = getIthJsonbValueFromContainer(array, i);
		const char *sid;
		int			sidlen;

		CHECK_FOR_INTERRUPTS();
		sid = element_step_id(elem, opts, &sidlen);
		if (sid != NULL && sidlen == len && memcmp(sid, seg, len) == 0)
		{
			module_element_node(elem, true, out);
			return true;
		}
	}
	return false;
}

/*
 * Resolve one more segment below a subtree.  Returns false when the key is
 * missing; out may be node itself.
 */
bool
podrec_flat_child(const FlatNode *node, const char *seg, int len,
				  const FlattenOptions *opts, FlatNode *out)
{
	JsonbContainer *c;
	JsonbValue	v;

	if (node->kind != FLAT_SUBTREE)
		return false;
	c = node->value.val.binary.data;
	if (node->module_array)
		return module_child(c, seg, len, opts, out);
	if (JsonContainerIsObject(c))
	{
		if (node->step_element && len == opts->step_keylen &&
			memcmp(seg, opts->step_key, len) == 0)
			return false;
		if (!getKeyJsonValueFromContainer(c, seg, len, &v))
			return false;
		classify(&v, out);
		return true;
	}
	if (podrec_is_position(seg, len))
	{
		long		position = position_value(seg, len);
		JsonbValue *elem;

		if (position > (long) JsonContainerSize(c))
			return false;
		elem = getIthJsonbValueFromContainer(c, (uint32) position - 1);
		classify(elem, out);
		return true;
	}
	return false;
}

/*
 * Resolve a flat key (its unescaped segments) against an item's root
 * object.  Returns the kind and fills out.
 */
FlatKind
podrec_flat_lookup(JsonbContainer *root, const FilterSeg *segs, int nsegs,
				   const FlattenOptions *opts, FlatNode *out)
{
	JsonbValue	v;
	int			i;

	out->kind = FLAT_MISSING;
	if (nsegs < 1 || !JsonContainerIsObject(root) ||
		!getKeyJsonValueFromContainer(root, segs[0].s, segs[0].len, &v))
		return FLAT_MISSING;
	classify(&v, out);
	if (out->kind == FLAT_SUBTREE && JsonContainerIsArray(v.val.binary.data))
		out->module_array = true;
	for (i = 1; i < nsegs; i++)
	{
		if (!podrec_flat_child(out, segs[i].s, segs[i].len, opts, out))
		{
			out->kind = FLAT_MISSING;
			return FLAT_MISSING;
		}
	}
	return out->kind;
}

/*
 * Call back once per direct child of a subtree, as the flat record sees
 * them (a module array's elements by step id or position, an object's keys
 * but the step id of a step element, an array's elements).  Stops and
 * returns true as soon as the callback does.
 */
bool
podrec_flat_each_child(const FlatNode *node, const FlattenOptions *opts,
					   FlatChildCallback callback, void *arg)
{
	JsonbContainer *c;
	JsonbIterator *it;
	JsonbValue	k,
				v;
	JsonbIteratorToken tok;
	FlatNode	child;

	if (node->kind != FLAT_SUBTREE)
		return false;
	c = node->value.val.binary.data;
	if (node->module_array)
	{
		uint32		n = JsonContainerSize(c);
		uint32		i;

		for (i = 0; i < n; i++)
		{
			JsonbValue *elem = getIthJsonbValueFromContainer(c, i);
			const char *sid;
			int			sidlen;

			CHECK_FOR_INTERRUPTS();
			sid = element_step_id(elem, opts, &sidlen);
			module_element_node(elem,
								sid != NULL && !earlier_step_id(c, i, sid, sidlen, opts),
								&child);
			if (callback(arg, &child))
				return true;
		}
		return false;
	}
	it = JsonbIteratorInit(c);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		CHECK_FOR_INTERRUPTS();
		if (tok == WJB_ELEM)
		{
			classify(&k, &child);
			if (callback(arg, &child))
				return true;
		}
		else if (tok == WJB_KEY)
		{
			if (JsonbIteratorNext(&it, &v, true) != WJB_VALUE)
				elog(ERROR, "unexpected jsonb iterator token");
			if (node->step_element && k.val.string.len == opts->step_keylen &&
				memcmp(k.val.string.val, opts->step_key, opts->step_keylen) == 0)
				continue;
			classify(&v, &child);
			if (callback(arg, &child))
				return true;
		}
	}
	return false;
}

/*
 * flat_get(item jsonb, key text) returns jsonb
 *
 * The value of a flat key in the flat record of an item, found without
 * flattening: records_flatten(item) -> key.
 */
Datum
podrec_flat_get(PG_FUNCTION_ARGS)
{
	Jsonb	   *item = PG_GETARG_JSONB_P(0);
	text	   *key = PG_GETARG_TEXT_PP(1);
	FilterAlloc alloc = {podrec_filter_palloc, NULL};
	FilterError err = {0};
	FilterKey	fkey;
	FlattenOptions opts;
	FlatNode	node;

	if (!JB_ROOT_IS_OBJECT(item))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot call %s on a non-object", "flat_get")));
	if (!filter_key_parse(&alloc, VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key), false,
						  &fkey, &err))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_ESCAPE_SEQUENCE),
				 errmsg("%s", err.message),
				 err.hint[0] ? errhint("%s", err.hint) : 0));
	podrec_default_flatten_options(&opts);
	if (podrec_flat_lookup(&item->root, fkey.segs, fkey.nsegs, &opts, &node) != FLAT_LEAF)
		PG_RETURN_NULL();
	PG_RETURN_JSONB_P(JsonbValueToJsonb(&node.value));
}
