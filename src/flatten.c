/*-------------------------------------------------------------------------
 *
 * flatten.c
 *	  records_flatten, records_flatten_each and records_unflatten.
 *
 * A flat record maps the flat key of every leaf of an item to the leaf's
 * value.  The rules (README, "Flattening rules"):
 *
 *	- a top-level key is a segment of its own; nested object keys are joined
 *	  with the separator;
 *	- a top-level array is a module array: an object element whose step id
 *	  (flow_step_id by default) is a string that does not look like a
 *	  position is addressed by that step id, and its step-id key is not
 *	  emitted; every other element (no string step id, a step id such as
 *	  "3" that looks like a position, or a later element repeating an
 *	  earlier step id) is addressed by its 1-based position and keeps all of
 *	  its keys;
 *	- elements of nested arrays are addressed by 1-based position;
 *	- null stays null, empty objects and arrays are leaves, and a key
 *	  containing the separator or a backslash is escaped with a backslash.
 *
 * records_unflatten inverts this.  A flat record does not say everything:
 * jsonb keeps object keys sorted, so the order of step-addressed elements is
 * lost (they come back in step-id order, after positional elements are put
 * back at their positions, except that a step element always comes before
 * the positional elements that repeat its step id); a top-level object whose
 * values are objects can read as a module array; and an object whose keys
 * are exactly "1".."n" reads as an array.  Every other item comes back as it
 * was, and whatever comes back flattens to the same flat record: keys that
 * no module array would flatten to are read as an object.
 *
 * The walk never prints and re-parses text: it reads the jsonb containers
 * with JsonbIterator, in place, and hands each leaf to a callback, which
 * either collects it for the flat record (records_flatten: sorted once, then
 * built with pushJsonbValue) or puts it into a tuplestore
 * (records_flatten_each).
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/flatten.c
 *
 *-------------------------------------------------------------------------
 */
#include "podrec.h"

#include "flatten.h"

#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(podrec_records_flatten);
PG_FUNCTION_INFO_V1(podrec_records_flatten_each);
PG_FUNCTION_INFO_V1(podrec_records_unflatten);

/* State of one flattening walk. */
typedef struct FlattenWalk
{
	const FlattenOptions *opts;
	char	   *key;			/* flat key of the current position */
	Size		keylen;
	Size		keycap;
	FlattenLeafCallback emit;
	void	   *arg;
	const char *fname;
	int			depth;
} FlattenWalk;

/* A step id candidate of a module array element, for duplicate detection. */
typedef struct StepRef
{
	const char *id;
	uint32		len;
	uint32		index;
} StepRef;

/* An element of a module array, and how it is addressed. */
typedef struct ModuleElement
{
	JsonbValue	elem;			/* a scalar, or jbvBinary for a container */
	const char *id;				/* its step id, or NULL */
	uint32		idlen;
	bool		by_step;		/* addressed by its step id */
} ModuleElement;

/* Module arrays up to this size are handled without allocating. */
#define SMALL_MODULE_ARRAY 16

/* The container header of an empty jsonb object: no pairs. */
static const uint32 empty_object_header = JB_FOBJECT;

static void flatten_value(FlattenWalk *w, JsonbValue *v);

/* Read the value that follows a key in an object iteration. */
static inline void
next_value(JsonbIterator **it, JsonbValue *v)
{
	if (JsonbIteratorNext(it, v, true) != WJB_VALUE)
		elog(ERROR, "unexpected jsonb iterator token");
}

/* Name of a jsonb value's type, for error messages. */
static const char *
json_type_name(Jsonb *j)
{
	if (JB_ROOT_IS_SCALAR(j))
		return "scalar";
	return JB_ROOT_IS_OBJECT(j) ? "object" : "array";
}

/* Fill FlattenOptions from the SQL arguments, rejecting unusable ones. */
void
podrec_flatten_options(FlattenOptions *opts, text *sep, text *step_key,
					   const char *fname)
{
	opts->sep = VARDATA_ANY(sep);
	opts->seplen = VARSIZE_ANY_EXHDR(sep);
	opts->step_key = VARDATA_ANY(step_key);
	opts->step_keylen = VARSIZE_ANY_EXHDR(step_key);

	if (opts->seplen == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("separator of %s must not be empty", fname)));
	if (memchr(opts->sep, '\\', opts->seplen) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("separator of %s must not contain a backslash", fname),
				 errdetail("The backslash escapes separators inside keys.")));
}

/* Is s a 1-based position as flat keys write it: [1-9][0-9]{0,8}? */
bool
podrec_is_position(const char *s, int len)
{
	int			i;

	if (len < 1 || len > 9 || s[0] < '1' || s[0] > '9')
		return false;
	for (i = 1; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/*
 * Write s escaped to dst, which has room for 2 * len bytes; return the
 * number of bytes written.  A backslash and every occurrence of the
 * separator's first character are preceded by a backslash.  Escaping the
 * first character rather than whole separators keeps flat keys unambiguous
 * for separators that overlap themselves ("__": the segment "a_" followed
 * by "__" would otherwise read as "a" followed by "_").  For a one-character
 * separator the two rules are the same.
 */
static Size
escape_into(char *dst, const char *s, Size len, const FlattenOptions *opts)
{
	char	   *d = dst;
	const char	sep0 = opts->sep[0];
	Size		i;

	for (i = 0; i < len; i++)
	{
		if (s[i] == '\\' || s[i] == sep0)
			*d++ = '\\';
		*d++ = s[i];
	}
	return d - dst;
}

/* Append one key segment, escaping backslashes and separators. */
void
podrec_append_escaped(StringInfo buf, const char *s, int len,
					  const FlattenOptions *opts)
{
	/* Fast path: nothing to escape. */
	if (memchr(s, '\\', len) == NULL && memchr(s, opts->sep[0], len) == NULL)
	{
		appendBinaryStringInfo(buf, s, len);
		return;
	}
	enlargeStringInfo(buf, 2 * len);
	buf->len += escape_into(buf->data + buf->len, s, len, opts);
	buf->data[buf->len] = '\0';
}

/* Make room for need more bytes in the flat key. */
static void
grow_key(FlattenWalk *w, Size need)
{
	Size		cap = w->keycap;

	if (w->keylen + need >= MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("flat key is too long for %s", w->fname),
				 errdetail("A flat key cannot exceed %zu bytes.", (Size) MaxAllocSize - 1)));
	while (cap < w->keylen + need)
		cap *= 2;
	w->key = repalloc(w->key, Min(cap, MaxAllocSize - 1));
	w->keycap = Min(cap, MaxAllocSize - 1);
}

/* Make sure need more bytes fit in the flat key. */
static inline void
reserve_key(FlattenWalk *w, Size need)
{
	if (unlikely(w->keylen + need > w->keycap))
		grow_key(w, need);
}

/* Append the separator (unless at the root) and an escaped key segment. */
static inline void
push_segment(FlattenWalk *w, const char *s, Size len)
{
	const FlattenOptions *opts = w->opts;
	const char	sep0 = opts->sep[0];
	char	   *dst;
	Size		i;

	reserve_key(w, opts->seplen + 2 * len);
	if (w->keylen > 0 || w->depth > 0)
	{
		memcpy(w->key + w->keylen, opts->sep, opts->seplen);
		w->keylen += opts->seplen;
	}
	/* Copy, and fall back to escaping at the first byte that may need it. */
	dst = w->key + w->keylen;
	for (i = 0; i < len; i++)
	{
		if (unlikely(s[i] == '\\' || s[i] == sep0))
		{
			w->keylen += i + escape_into(dst + i, s + i, len - i, opts);
			return;
		}
		dst[i] = s[i];
	}
	w->keylen += len;
}

/* Append the separator and a 1-based position. */
static inline void
push_position(FlattenWalk *w, uint32 position)
{
	reserve_key(w, w->opts->seplen + 12);
	memcpy(w->key + w->keylen, w->opts->sep, w->opts->seplen);
	w->keylen += w->opts->seplen;
	w->keylen += pg_ultoa_n(position, w->key + w->keylen);
}

/* Hand the current flat key and a leaf to the callback. */
static inline void
emit_leaf(FlattenWalk *w, JsonbValue *leaf)
{
	CHECK_FOR_INTERRUPTS();
	w->emit(w->arg, w->key, w->keylen, leaf);
}

/* Enter one nesting level, refusing documents nested too deeply. */
static inline void
enter_level(FlattenWalk *w)
{
	check_stack_depth();
	if (++w->depth > PODREC_MAX_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("item is nested too deeply for %s", w->fname),
				 errdetail("The maximum nesting depth is %d.", PODREC_MAX_DEPTH)));
}

/* Is this key the step id key? */
static inline bool
is_step_key_bytes(const FlattenWalk *w, const char *s, uint32 len)
{
	return len == (uint32) w->opts->step_keylen &&
		memcmp(s, w->opts->step_key, len) == 0;
}

/* Is this value a non-empty container, to be walked rather than emitted? */
static inline bool
is_nonempty_container(const JsonbValue *v)
{
	return v->type == jbvBinary && JsonContainerSize(v->val.binary.data) > 0;
}

/*
 * Flatten the pairs of an object, optionally leaving out the step-id key.
 * The iterator does not descend (skipNested): nested containers come back
 * as jbvBinary values pointing into the item, and are walked by recursion,
 * so that every value is read in place and nothing is copied.
 */
static void
flatten_object(FlattenWalk *w, JsonbContainer *c, bool skip_step_key)
{
	JsonbIterator *it = JsonbIteratorInit(c);
	JsonbIteratorToken tok;
	JsonbValue	k,
				v;
	Size		saved = w->keylen;

	enter_level(w);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		if (tok != WJB_KEY)
			continue;
		next_value(&it, &v);
		if (skip_step_key && is_step_key_bytes(w, k.val.string.val, k.val.string.len))
			continue;
		push_segment(w, k.val.string.val, k.val.string.len);
		flatten_value(w, &v);
		w->keylen = saved;
	}
	w->depth--;
}

/* Flatten a nested array: every element is addressed by its position. */
static void
flatten_array(FlattenWalk *w, JsonbContainer *c)
{
	JsonbIterator *it = JsonbIteratorInit(c);
	JsonbIteratorToken tok;
	JsonbValue	v;
	Size		saved = w->keylen;
	uint32		position = 0;

	enter_level(w);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		push_position(w, ++position);
		flatten_value(w, &v);
		w->keylen = saved;
	}
	w->depth--;
}

/* Flatten any value found at the current key. */
static void
flatten_value(FlattenWalk *w, JsonbValue *v)
{
	if (is_nonempty_container(v))
	{
		if (JsonContainerIsObject(v->val.binary.data))
			flatten_object(w, v->val.binary.data, false);
		else
			flatten_array(w, v->val.binary.data);
		return;
	}
	emit_leaf(w, v);
}

/* Order step ids bytewise, then by position, to find first occurrences. */
static int
compare_step_refs(const void *a, const void *b)
{
	const StepRef *x = (const StepRef *) a;
	const StepRef *y = (const StepRef *) b;
	int			cmp = memcmp(x->id, y->id, Min(x->len, y->len));

	if (cmp != 0)
		return cmp;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->index < y->index ? -1 : (x->index > y->index);
}

/*
 * The step id by which an element of a module array is addressed (a string
 * that does not look like a position), or NULL.
 */
static const char *
element_step_id(FlattenWalk *w, const JsonbValue *elem, uint32 *len)
{
	JsonbValue	id;

	if (elem->type != jbvBinary || !JsonContainerIsObject(elem->val.binary.data) ||
		getKeyJsonValueFromContainer(elem->val.binary.data, w->opts->step_key,
									 w->opts->step_keylen, &id) == NULL ||
		id.type != jbvString ||
		podrec_is_position(id.val.string.val, id.val.string.len))
		return NULL;
	*len = id.val.string.len;
	return id.val.string.val;
}

/*
 * Mark the elements addressed by step id: the first element carrying a
 * given step id is; repeats fall back to their position so that nothing is
 * overwritten.
 */
static void
mark_first_step_ids(ModuleElement *elems, uint32 n)
{
	uint32		i,
				j;

	if (n <= SMALL_MODULE_ARRAY)
	{
		for (i = 0; i < n; i++)
		{
			elems[i].by_step = elems[i].id != NULL;
			for (j = 0; elems[i].by_step && j < i; j++)
				if (elems[j].id != NULL && elems[j].idlen == elems[i].idlen &&
					memcmp(elems[j].id, elems[i].id, elems[i].idlen) == 0)
					elems[i].by_step = false;
		}
	}
	else
	{
		StepRef    *refs = palloc(sizeof(StepRef) * n);
		uint32		nrefs = 0;

		for (i = 0; i < n; i++)
		{
			elems[i].by_step = false;
			if (elems[i].id == NULL)
				continue;
			refs[nrefs].id = elems[i].id;
			refs[nrefs].len = elems[i].idlen;
			refs[nrefs++].index = i;
		}
		if (nrefs > 1)
			qsort(refs, nrefs, sizeof(StepRef), compare_step_refs);
		for (i = 0; i < nrefs; i++)
			elems[refs[i].index].by_step =
				(i == 0 || refs[i].len != refs[i - 1].len ||
				 memcmp(refs[i].id, refs[i - 1].id, refs[i].len) != 0);
		pfree(refs);
	}
}

/*
 * Flatten a top-level (module) array.  Whether an element is addressed by
 * its step id depends on the elements before it, so the elements are read
 * first (in place: jbvBinary values into the item) and walked second.
 */
static void
flatten_module_array(FlattenWalk *w, JsonbContainer *c)
{
	uint32		n = JsonContainerSize(c);
	ModuleElement small[SMALL_MODULE_ARRAY];
	ModuleElement *elems = n <= SMALL_MODULE_ARRAY ? small :
		palloc(sizeof(ModuleElement) * n);
	JsonbIterator *it = JsonbIteratorInit(c);
	JsonbIteratorToken tok;
	Size		saved = w->keylen;
	JsonbValue	v;
	uint32		i = 0;

	enter_level(w);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		Assert(i < n);
		elems[i].elem = v;
		elems[i].id = element_step_id(w, &v, &elems[i].idlen);
		i++;
	}
	Assert(i == n);
	n = i;
	mark_first_step_ids(elems, n);

	for (i = 0; i < n; i++)
	{
		if (elems[i].by_step)
		{
			JsonbContainer *elem = elems[i].elem.val.binary.data;

			push_segment(w, elems[i].id, elems[i].idlen);
			if (JsonContainerSize(elem) == 1)
			{
				/* Only the step id: keep the element as an empty object. */
				JsonbValue	empty;

				empty.type = jbvBinary;
				empty.val.binary.data = (JsonbContainer *) &empty_object_header;
				empty.val.binary.len = sizeof(empty_object_header);
				emit_leaf(w, &empty);
			}
			else
				flatten_object(w, elem, true);
		}
		else
		{
			push_position(w, i + 1);
			flatten_value(w, &elems[i].elem);
		}
		w->keylen = saved;
	}
	w->depth--;
	if (elems != small)
		pfree(elems);
}

/* Walk an item and hand every leaf, with its flat key, to emit. */
void
podrec_flatten_walk(Jsonb *item, const FlattenOptions *opts,
					FlattenLeafCallback emit, void *arg, const char *fname)
{
	FlattenWalk w;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	k,
				v;

	if (!JB_ROOT_IS_OBJECT(item))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot call %s on a non-object", fname),
				 errdetail("The item is a JSON %s.", json_type_name(item)),
				 errhint("An item is a JSON object whose keys hold scalars, objects or module arrays.")));

	w.opts = opts;
	w.emit = emit;
	w.arg = arg;
	w.fname = fname;
	w.depth = 0;
	w.keycap = 256;
	w.keylen = 0;
	w.key = palloc(w.keycap);

	it = JsonbIteratorInit(&item->root);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		if (tok != WJB_KEY)
			continue;
		next_value(&it, &v);
		w.depth = 0;
		w.keylen = 0;
		push_segment(&w, k.val.string.val, k.val.string.len);
		w.depth = 1;
		if (is_nonempty_container(&v) && JsonContainerIsArray(v.val.binary.data))
			flatten_module_array(&w, v.val.binary.data);
		else
			flatten_value(&w, &v);
	}
	pfree(w.key);
}

/*
 * Building the flat record.
 *
 * The leaves are collected as pairs, their keys copied into an arena (the
 * values point into the item), sorted once into jsonb key order (shorter
 * keys first, then bytewise) and pushed in that order with pushJsonbValue
 * into an object sized up front; JsonbValueToJsonb then writes it out.
 * Pushed in order, the pairs cost pushJsonbValue's own sort one pass; the
 * sort here is the one that lets a cancel through.  All of it happens in a
 * work context that the caller resets after every item.
 */

/* One pair of the flat record: its key and its leaf. */
typedef struct FlatPair
{
	const char *key;
	uint32		keylen;
	uint32		order;			/* emission order, to settle equal keys */
	JsonbValue	value;			/* a scalar, or an empty container */
} FlatPair;

/* The pairs collected so far; keys live in arena blocks that never move. */
typedef struct FlatBuilder
{
	FlatPair   *pairs;
	uint32		npairs;
	uint32		maxpairs;
	char	   *block;			/* current arena block */
	Size		used;
	Size		size;
} FlatBuilder;

/*
 * Order pairs as jsonb orders keys; of equal keys, the later one first.
 * Sorting the leaves of a huge item takes seconds: the comparison is where
 * a cancel gets through.
 */
static inline int
compare_flat_pairs(const FlatPair *a, const FlatPair *b)
{
	int			cmp;

	CHECK_FOR_INTERRUPTS();
	if (a->keylen != b->keylen)
		return a->keylen < b->keylen ? -1 : 1;
	cmp = memcmp(a->key, b->key, a->keylen);
	if (cmp != 0)
		return cmp;
	return a->order > b->order ? -1 : 1;
}

#define ST_SORT sort_flat_pairs
#define ST_ELEMENT_TYPE FlatPair
#define ST_COMPARE(a, b) compare_flat_pairs(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* Start a builder, sizing the arena from the size of the item. */
static void
flat_builder_init(FlatBuilder *b, Size item_size)
{
	b->maxpairs = 32;
	b->npairs = 0;
	b->pairs = palloc(sizeof(FlatPair) * b->maxpairs);
	b->size = Max(item_size, 256);
	b->block = palloc(b->size);
	b->used = 0;
}

/*
 * Copy a key into the arena, starting a new block when it does not fit.
 * Blocks are never freed one by one: the work context goes as a whole.
 */
static char *
flat_builder_key(FlatBuilder *b, const char *key, int keylen)
{
	char	   *dst;

	if (b->used + keylen > b->size)
	{
		b->size = Max(b->size * 2, (Size) keylen);
		b->block = palloc(b->size);
		b->used = 0;
	}
	dst = b->block + b->used;
	memcpy(dst, key, keylen);
	b->used += keylen;
	return dst;
}

/* Callback of records_flatten: collect the pair. */
static void
collect_pair(void *arg, const char *key, int keylen, JsonbValue *value)
{
	FlatBuilder *b = (FlatBuilder *) arg;
	FlatPair   *p;

	if (b->npairs == b->maxpairs)
	{
		if (b->maxpairs > JB_CMASK / 2)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("number of jsonb object pairs exceeds the maximum allowed (%u)",
							(unsigned int) JB_CMASK)));
		b->maxpairs *= 2;
		b->pairs = repalloc_huge(b->pairs, sizeof(FlatPair) * b->maxpairs);
	}
	p = &b->pairs[b->npairs];
	p->key = flat_builder_key(b, key, keylen);
	p->keylen = keylen;
	p->order = b->npairs++;
	p->value = *value;
}

/*
 * Sort the collected pairs, keep the last of equal keys, and build the
 * object with pushJsonbValue; the result is allocated in result_context.
 */
static Jsonb *
flat_builder_finish(FlatBuilder *b, MemoryContext result_context)
{
	FlatPair   *pairs = b->pairs;
	uint32		n = b->npairs;
	uint32		i;
	JsonbParseState *state = NULL;
	JsonbValue *object;
	MemoryContext old;

	if (n > 1)
	{
		uint32		kept = 1;

		sort_flat_pairs(pairs, n);
		/* Equal keys are adjacent, the last one emitted first: keep it. */
		for (i = 1; i < n; i++)
			if (pairs[i].keylen != pairs[kept - 1].keylen ||
				memcmp(pairs[i].key, pairs[kept - 1].key, pairs[i].keylen) != 0)
				pairs[kept++] = pairs[i];
		n = kept;
	}

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	/* Size the object once rather than doubling it from four pairs. */
	if (n > (uint32) state->size)
	{
		state->size = n;
		state->contVal.val.object.pairs =
			repalloc_huge(state->contVal.val.object.pairs, sizeof(JsonbPair) * n);
	}
	for (i = 0; i < n; i++)
	{
		JsonbValue	k;

		k.type = jbvString;
		k.val.string.val = (char *) pairs[i].key;
		k.val.string.len = pairs[i].keylen;
		pushJsonbValue(&state, WJB_KEY, &k);
		pushJsonbValue(&state, WJB_VALUE, &pairs[i].value);
	}
	object = pushJsonbValue(&state, WJB_END_OBJECT, NULL);

	old = MemoryContextSwitchTo(result_context);
	{
		Jsonb	   *result = JsonbValueToJsonb(object);

		MemoryContextSwitchTo(old);
		return result;
	}
}

/*
 * Flatten an item into a new jsonb object, allocated in the current memory
 * context.  The work is done in work, which the caller resets afterwards
 * (NULL: a context of its own, deleted here).
 */
Jsonb *
podrec_flatten(Jsonb *item, const FlattenOptions *opts, MemoryContext work)
{
	MemoryContext result_context = CurrentMemoryContext;
	MemoryContext own = NULL;
	FlatBuilder b;
	Jsonb	   *result;

	if (work == NULL)
		work = own = AllocSetContextCreate(CurrentMemoryContext,
										   "records_flatten work",
										   ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(work);
	flat_builder_init(&b, VARSIZE(item));
	podrec_flatten_walk(item, opts, collect_pair, &b, "records_flatten");
	result = flat_builder_finish(&b, result_context);
	MemoryContextSwitchTo(result_context);
	if (own != NULL)
		MemoryContextDelete(own);
	return result;
}

/*
 * The work context of a records_flatten call site: made once per FmgrInfo,
 * so that a scan over many rows reuses its blocks instead of asking malloc
 * for them at every row.
 */
static MemoryContext
flatten_work_context(FunctionCallInfo fcinfo)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;

	if (flinfo->fn_extra == NULL)
		flinfo->fn_extra = AllocSetContextCreate(flinfo->fn_mcxt,
												 "records_flatten work",
												 0, 64 * 1024,
												 ALLOCSET_DEFAULT_MAXSIZE);
	return (MemoryContext) flinfo->fn_extra;
}

/* records_flatten(item jsonb, sep text, step_key text) returns jsonb */
Datum
podrec_records_flatten(PG_FUNCTION_ARGS)
{
	Jsonb	   *item = PG_GETARG_JSONB_P(0);
	FlattenOptions opts;

	MemoryContext work = flatten_work_context(fcinfo);
	Jsonb	   *result;

	podrec_flatten_options(&opts, PG_GETARG_TEXT_PP(1), PG_GETARG_TEXT_PP(2),
						   "records_flatten");
	result = podrec_flatten(item, &opts, work);
	MemoryContextReset(work);
	PG_RETURN_JSONB_P(result);
}

/* Tuplestore target of records_flatten_each, with a per-row context. */
typedef struct EachTarget
{
	Tuplestorestate *store;
	TupleDesc	desc;
	MemoryContext row_context;
} EachTarget;

/* Callback of records_flatten_each: one row per leaf. */
static void
put_row(void *arg, const char *key, int keylen, JsonbValue *value)
{
	EachTarget *t = (EachTarget *) arg;
	MemoryContext old = MemoryContextSwitchTo(t->row_context);
	Datum		values[2];
	bool		nulls[2] = {false, false};

	values[0] = PointerGetDatum(cstring_to_text_with_len(key, keylen));
	values[1] = JsonbPGetDatum(JsonbValueToJsonb(value));
	tuplestore_putvalues(t->store, t->desc, values, nulls);
	MemoryContextSwitchTo(old);
	MemoryContextReset(t->row_context);
}

/*
 * records_flatten_each(item jsonb, sep text, step_key text)
 *		returns table(key text, value jsonb)
 *
 * Materialize mode: the walk is recursive, so rows go to a tuplestore, which
 * keeps work_mem worth in memory and spills the rest to disk; each row is
 * built in a context that is reset after it is stored.  The result
 * descriptor is a copy of the one the executor expects, which the executor
 * frees: looking it up instead would leave a little garbage in per-query
 * memory at every call, which adds up in a LATERAL join over a big table.
 */
Datum
podrec_records_flatten_each(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Jsonb	   *item = PG_GETARG_JSONB_P(0);
	FlattenOptions opts;
	EachTarget	target;

	podrec_flatten_options(&opts, PG_GETARG_TEXT_PP(1), PG_GETARG_TEXT_PP(2),
						   "records_flatten_each");
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	target.store = rsinfo->setResult;
	target.desc = rsinfo->setDesc;
	target.row_context = AllocSetContextCreate(CurrentMemoryContext,
											   "records_flatten_each row",
											   ALLOCSET_SMALL_SIZES);
	podrec_flatten_walk(item, &opts, put_row, &target, "records_flatten_each");
	MemoryContextDelete(target.row_context);
	PG_RETURN_NULL();
}

/* ---------------------------------------------------------------------
 * records_unflatten
 * ---------------------------------------------------------------------
 */

/* One key segment after unescaping. */
typedef struct Segment
{
	char	   *s;
	int			len;
} Segment;

/* One pair of the flat record, its key split into segments. */
typedef struct FlatEntry
{
	Segment    *segs;
	int			nsegs;
	char	   *key;			/* the flat key as written, for messages */
	JsonbValue	value;
} FlatEntry;

/* State of one unflattening. */
typedef struct Unflatten
{
	const FlattenOptions *opts;
	FlatEntry  *entries;
	int			nentries;
	JsonbParseState *state;
} Unflatten;

/* A run of entries sharing one segment at some depth. */
typedef struct KeyGroup
{
	Segment    *seg;
	int			lo;
	int			hi;
	int			position;		/* 1-based position, or 0 if not one */
} KeyGroup;

/* Split a flat key into unescaped segments. */
static void
split_key(const FlattenOptions *opts, const char *key, int len, FlatEntry *e)
{
	int			cap = 4;
	int			i = 0;
	StringInfoData seg;

	e->segs = palloc(sizeof(Segment) * cap);
	e->nsegs = 0;
	e->key = pnstrdup(key, len);
	initStringInfo(&seg);
	for (;;)
	{
		if (i == len || (len - i >= opts->seplen &&
						 memcmp(key + i, opts->sep, opts->seplen) == 0))
		{
			if (e->nsegs == cap)
			{
				cap *= 2;
				e->segs = repalloc(e->segs, sizeof(Segment) * cap);
			}
			e->segs[e->nsegs].s = pnstrdup(seg.data, seg.len);
			e->segs[e->nsegs].len = seg.len;
			e->nsegs++;
			resetStringInfo(&seg);
			if (i == len)
				break;
			i += opts->seplen;
		}
		else if (key[i] == '\\')
		{
			/* An escaped backslash or first character of the separator. */
			if (i + 1 < len && (key[i + 1] == '\\' || key[i + 1] == opts->sep[0]))
			{
				appendStringInfoChar(&seg, key[i + 1]);
				i += 2;
			}
			else if (opts->seplen == 1)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_ESCAPE_SEQUENCE),
						 errmsg("invalid escape in flat key \"%s\"", e->key),
						 errdetail("A backslash must be followed by a backslash or by the separator \"%.*s\".",
								   opts->seplen, opts->sep)));
			else
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_ESCAPE_SEQUENCE),
						 errmsg("invalid escape in flat key \"%s\"", e->key),
						 errdetail("A backslash must be followed by a backslash or by \"%c\", the first character of the separator \"%.*s\".",
								   opts->sep[0], opts->seplen, opts->sep)));
		}
		else
			appendStringInfoChar(&seg, key[i++]);
	}
	pfree(seg.data);
}

/* Compare two segments bytewise, shorter first on a tie. */
static int
compare_segments(const Segment *a, const Segment *b)
{
	int			cmp = memcmp(a->s, b->s, Min(a->len, b->len));

	if (cmp != 0)
		return cmp;
	return (a->len > b->len) - (a->len < b->len);
}

/*
 * Order flat entries segment by segment, so that subtrees are contiguous
 * (and let a cancel through: the sort of a huge record takes seconds).
 */
static int
compare_entries(const void *a, const void *b)
{
	const FlatEntry *x = (const FlatEntry *) a;
	const FlatEntry *y = (const FlatEntry *) b;
	int			n = Min(x->nsegs, y->nsegs);
	int			i;

	CHECK_FOR_INTERRUPTS();
	for (i = 0; i < n; i++)
	{
		int			cmp = compare_segments(&x->segs[i], &y->segs[i]);

		if (cmp != 0)
			return cmp;
	}
	return (x->nsegs > y->nsegs) - (x->nsegs < y->nsegs);
}

/* Report two flat keys that cannot both be unflattened. */
static void
report_conflict(const FlatEntry *holder, const FlatEntry *nested)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("flat keys \"%s\" and \"%s\" conflict", holder->key, nested->key),
			 errdetail("\"%s\" holds a value, so it cannot also contain \"%s\".",
					   holder->key, nested->key)));
}

/* Split entries [lo, hi) into runs that share the segment at depth. */
static KeyGroup *
group_children(Unflatten *u, int lo, int hi, int depth, int *ngroups)
{
	KeyGroup	   *groups = palloc(sizeof(KeyGroup) * (hi - lo));
	int			n = 0;
	int			i;

	for (i = lo; i < hi; i++)
	{
		Segment    *seg = &u->entries[i].segs[depth];

		if (n > 0 && compare_segments(groups[n - 1].seg, seg) == 0)
		{
			groups[n - 1].hi = i + 1;
			continue;
		}
		groups[n].seg = seg;
		groups[n].lo = i;
		groups[n].hi = i + 1;
		groups[n].position = podrec_is_position(seg->s, seg->len) ?
			pg_strtoint32(pnstrdup(seg->s, seg->len)) : 0;
		n++;
	}
	*ngroups = n;
	return groups;
}

/* Is this leaf value an empty object? */
static bool
is_empty_object(const JsonbValue *v)
{
	return v->type == jbvBinary &&
		JsonContainerIsObject(v->val.binary.data) &&
		JsonContainerSize(v->val.binary.data) == 0;
}

/*
 * Place groups into array slots by their positions.  False if the groups are
 * not an array: a segment that is not a position, or a position beyond n.
 */
static bool
layout_array(KeyGroup *groups, int n, KeyGroup **slots)
{
	int			i;

	for (i = 0; i < n; i++)
		slots[i] = NULL;
	for (i = 0; i < n; i++)
	{
		if (groups[i].position == 0 || groups[i].position > n)
			return false;
		slots[groups[i].position - 1] = &groups[i];
	}
	return true;
}

static void build_value(Unflatten *u, int lo, int hi, int depth, JsonbIteratorToken tok);

/* Push the pairs of an object built from groups at depth. */
static void
build_object_pairs(Unflatten *u, KeyGroup *groups, int n, int depth)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		JsonbValue	k;

		k.type = jbvString;
		k.val.string.val = groups[i].seg->s;
		k.val.string.len = groups[i].seg->len;
		pushJsonbValue(&u->state, WJB_KEY, &k);
		build_value(u, groups[i].lo, groups[i].hi, depth + 1, WJB_VALUE);
	}
}

/* Push a module element addressed by step id: the step id, then its keys. */
static void
build_step_element(Unflatten *u, KeyGroup *g)
{
	JsonbValue	k,
				id;
	KeyGroup	   *children;
	int			n;

	pushJsonbValue(&u->state, WJB_BEGIN_OBJECT, NULL);
	k.type = jbvString;
	k.val.string.val = (char *) u->opts->step_key;
	k.val.string.len = u->opts->step_keylen;
	id.type = jbvString;
	id.val.string.val = g->seg->s;
	id.val.string.len = g->seg->len;
	pushJsonbValue(&u->state, WJB_KEY, &k);
	pushJsonbValue(&u->state, WJB_VALUE, &id);
	if (u->entries[g->lo].nsegs > 2)
	{
		/* layout_module_array made sure that no child is the step id key. */
		children = group_children(u, g->lo, g->hi, 2, &n);
		build_object_pairs(u, children, n, 2);
		pfree(children);
	}
	pushJsonbValue(&u->state, WJB_END_OBJECT, NULL);
}

/* Is this segment the step id key? */
static inline bool
is_step_key(Unflatten *u, const Segment *seg)
{
	return seg->len == u->opts->step_keylen &&
		memcmp(seg->s, u->opts->step_key, u->opts->step_keylen) == 0;
}

/* Compare a segment with the segment of a group, for bsearch. */
static int
compare_segment_group(const void *key, const void *group)
{
	return compare_segments((const Segment *) key, ((const KeyGroup *) group)->seg);
}

/*
 * The step id that an element addressed by position carries (the string
 * value of its step id key), or NULL.
 */
static const JsonbValue *
positional_step_id(Unflatten *u, KeyGroup *g)
{
	int			i;

	for (i = g->lo; i < g->hi; i++)
	{
		FlatEntry  *e = &u->entries[i];

		if (e->nsegs == 3 && is_step_key(u, &e->segs[2]) &&
			e->value.type == jbvString)
			return &e->value;
	}
	return NULL;
}

/*
 * Can a step element with this subtree be rebuilt?  It is the empty object
 * left by an element that held only its step id, or a subtree that does not
 * carry the step id key and is not shaped like an array (keys 1..n: such a
 * subtree is a value, not an element).
 */
static bool
is_step_element(Unflatten *u, KeyGroup *g)
{
	FlatEntry  *first = &u->entries[g->lo];
	KeyGroup   *children;
	KeyGroup  **slots;
	int			n,
				i;
	bool		ok;

	if (first->nsegs == 2)
		return is_empty_object(&first->value);
	children = group_children(u, g->lo, g->hi, 2, &n);
	slots = palloc(sizeof(KeyGroup *) * n);
	ok = !layout_array(children, n, slots);
	for (i = 0; ok && i < n; i++)
		ok = !is_step_key(u, children[i].seg);
	pfree(children);
	pfree(slots);
	return ok;
}

/*
 * Lay the children of a top-level key out as a module array, or return false
 * when they are not one that flattens back to the same flat keys.
 *
 * Groups whose segment is a position go to that position.  Every other group
 * is an element addressed by step id, and the step elements fill the free
 * slots in step-id order, with one constraint: an element addressed by
 * position that carries a step id repeats an earlier element's, so the step
 * element with that id must come before it.  The order chosen is the first,
 * in step-id order, that meets every constraint: at each free slot, the
 * smallest step id whose placement leaves the remaining constrained elements
 * a slot before their deadlines.  (With no repeats, that is plain step-id
 * order.)
 */
static bool
layout_module_array(Unflatten *u, KeyGroup *groups, int n, KeyGroup **slots)
{
	int		   *steps = palloc(sizeof(int) * n);	/* step groups, id order */
	int		   *deadline = palloc(sizeof(int) * n); /* per step group */
	int		   *bydl = palloc(sizeof(int) * n); /* constrained, deadline order */
	int		   *free_slots = palloc(sizeof(int) * n);
	int		   *step_of = palloc(sizeof(int) * n);	/* group -> step group */
	bool	   *used = palloc0(sizeof(bool) * n);
	int			nsteps = 0,
				nbydl = 0,
				nfree = 0,
				next = 0;
	int			i,
				j,
				f;
	bool		ok = true;

	for (i = 0; i < n; i++)
		slots[i] = NULL;
	for (i = 0; ok && i < n; i++)
	{
		if (groups[i].position == 0)
		{
			ok = is_step_element(u, &groups[i]);
			deadline[nsteps] = INT_MAX;
			step_of[i] = nsteps;
			steps[nsteps++] = i;
		}
		else if (groups[i].position > n)
			ok = false;
		else
			slots[groups[i].position - 1] = &groups[i];
	}

	/* Each repeated step id must belong to a step element placed earlier. */
	for (i = 0; ok && i < n; i++)
	{
		const JsonbValue *id;
		Segment		seg;
		KeyGroup   *owner;

		if (groups[i].position == 0 ||
			(id = positional_step_id(u, &groups[i])) == NULL ||
			podrec_is_position(id->val.string.val, id->val.string.len))
			continue;
		seg.s = id->val.string.val;
		seg.len = id->val.string.len;
		owner = bsearch(&seg, groups, n, sizeof(KeyGroup), compare_segment_group);
		if (owner == NULL || owner->position != 0)
		{
			ok = false;
			break;
		}
		j = step_of[owner - groups];
		if (deadline[j] == INT_MAX)
			bydl[nbydl++] = j;
		deadline[j] = Min(deadline[j], groups[i].position);
	}

	for (i = 0; ok && i < n; i++)
		if (slots[i] == NULL)
			free_slots[nfree++] = i + 1;
	Assert(!ok || nfree == nsteps);

	/* Constrained step elements in deadline order (insertion sort: few). */
	for (i = 1; i < nbydl; i++)
		for (j = i; j > 0 && deadline[bydl[j - 1]] > deadline[bydl[j]]; j--)
		{
			int			t = bydl[j];

			bydl[j] = bydl[j - 1];
			bydl[j - 1] = t;
		}

	for (f = 0; ok && f < nfree; f++)
	{
		int			slot = free_slots[f];
		int			pick = -1;
		int			k = 0,
					first_late = -1,
					last_blocking = -1,
					prev = -1;

		CHECK_FOR_INTERRUPTS();

		/*
		 * Walk the remaining constrained elements in deadline order against
		 * the free slots after this one: the k-th must fit before its
		 * deadline.  first_late is the first that would not if nothing
		 * constrained went here; last_blocking the last k such that the
		 * (k+1)-th would not fit into the k-th slot, were one of the first k
		 * placed here.
		 */
		for (i = 0; i < nbydl; i++)
		{
			int			later;

			if (used[bydl[i]])
				continue;
			later = f + 1 + k < nfree ? free_slots[f + 1 + k] : INT_MAX;
			if (first_late < 0 && deadline[bydl[i]] <= later)
				first_late = k;
			if (prev >= 0)
			{
				int			before = f + k < nfree ? free_slots[f + k] : INT_MAX;

				if (deadline[bydl[i]] <= before)
					last_blocking = k - 1;
			}
			prev = i;
			k++;
		}

		if (first_late < 0)
		{
			/* Anything can go here: the smallest step id left. */
			while (used[next])
				next++;
			pick = next;
		}
		else
		{
			/* One of the constrained elements numbered (last_blocking, first_late]. */
			k = 0;
			for (i = 0; i < nbydl; i++)
			{
				int			c = bydl[i];

				if (used[c])
					continue;
				if (k > last_blocking && k <= first_late && deadline[c] > slot &&
					(pick < 0 || c < pick))
					pick = c;
				k++;
			}
			if (pick < 0)
				ok = false;
		}
		if (ok)
		{
			used[pick] = true;
			slots[slot - 1] = &groups[steps[pick]];
		}
	}

	pfree(steps);
	pfree(deadline);
	pfree(bydl);
	pfree(free_slots);
	pfree(step_of);
	pfree(used);
	return ok;
}

/*
 * Push the value of the subtree formed by entries [lo, hi), which share
 * their first depth segments, as a WJB_VALUE or WJB_ELEM.
 */
static void
build_value(Unflatten *u, int lo, int hi, int depth, JsonbIteratorToken tok)
{
	KeyGroup	   *groups;
	KeyGroup	  **slots;
	int			n,
				i;
	bool		array;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	if (u->entries[lo].nsegs == depth)
	{
		if (hi - lo > 1)
			report_conflict(&u->entries[lo], &u->entries[lo + 1]);
		pushJsonbValue(&u->state, tok, &u->entries[lo].value);
		return;
	}

	groups = group_children(u, lo, hi, depth, &n);
	slots = palloc(sizeof(KeyGroup *) * n);
	if (depth == 1)
		array = layout_module_array(u, groups, n, slots);
	else
		array = layout_array(groups, n, slots);

	if (!array)
	{
		pushJsonbValue(&u->state, WJB_BEGIN_OBJECT, NULL);
		build_object_pairs(u, groups, n, depth);
		pushJsonbValue(&u->state, WJB_END_OBJECT, NULL);
	}
	else
	{
		pushJsonbValue(&u->state, WJB_BEGIN_ARRAY, NULL);
		for (i = 0; i < n; i++)
		{
			if (slots[i]->position == 0)
			{
				FlatEntry  *first = &u->entries[slots[i]->lo];

				if (first->nsegs == 2 && slots[i]->hi - slots[i]->lo > 1)
					report_conflict(first, &u->entries[slots[i]->lo + 1]);
				build_step_element(u, slots[i]);
			}
			else
				build_value(u, slots[i]->lo, slots[i]->hi, depth + 1, WJB_ELEM);
		}
		pushJsonbValue(&u->state, WJB_END_ARRAY, NULL);
	}
	pfree(groups);
	pfree(slots);
}

/* records_unflatten(record jsonb, sep text, step_key text) returns jsonb */
Datum
podrec_records_unflatten(PG_FUNCTION_ARGS)
{
	Jsonb	   *record = PG_GETARG_JSONB_P(0);
	FlattenOptions opts;
	Unflatten	u;
	JsonbIterator *it;
	JsonbValue	k,
				v;
	JsonbIteratorToken tok;
	KeyGroup	   *groups;
	int			n;
	JsonbValue *result;

	podrec_flatten_options(&opts, PG_GETARG_TEXT_PP(1), PG_GETARG_TEXT_PP(2),
						   "records_unflatten");
	if (!JB_ROOT_IS_OBJECT(record))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot call %s on a non-object", "records_unflatten"),
				 errdetail("The flat record is a JSON %s.", json_type_name(record))));

	u.opts = &opts;
	u.state = NULL;
	u.nentries = 0;
	u.entries = palloc(sizeof(FlatEntry) * Max(JsonContainerSize(&record->root), 1));
	it = JsonbIteratorInit(&record->root);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		if (tok != WJB_KEY)
			continue;
		next_value(&it, &v);
		CHECK_FOR_INTERRUPTS();
		split_key(&opts, k.val.string.val, k.val.string.len, &u.entries[u.nentries]);
		u.entries[u.nentries].value = v;
		u.nentries++;
	}
	if (u.nentries > 1)
		qsort(u.entries, u.nentries, sizeof(FlatEntry), compare_entries);

	pushJsonbValue(&u.state, WJB_BEGIN_OBJECT, NULL);
	if (u.nentries > 0)
	{
		groups = group_children(&u, 0, u.nentries, 0, &n);
		build_object_pairs(&u, groups, n, 0);
	}
	result = pushJsonbValue(&u.state, WJB_END_OBJECT, NULL);
	PG_RETURN_JSONB_P(JsonbValueToJsonb(result));
}
