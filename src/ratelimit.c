/*-------------------------------------------------------------------------
 *
 * ratelimit.c
 *	  The per-client rate limit of seed 001 ("400 requests per minute"),
 *	  counted in shared memory, and podrec.pre_request, the function that
 *	  PostgREST runs before every request (db-pre-request).
 *
 * PostgREST runs GET requests, and POSTs to STABLE functions, in READ ONLY
 * transactions, and db-pre-request runs in the same transaction: a counter
 * kept in a table cannot be written there.  The counters therefore live in
 * shared memory, which needs the library in shared_preload_libraries;
 * without it every function of this file raises a clear error.
 *
 * What is counted.  A client is identified by a key (any text for
 * rate_limit_take; for pre_request the bearer token, or the role of an
 * anonymous request, combined with the first address of X-Forwarded-For).
 * Only a SHA-256 digest of the key is kept: the token itself is never
 * stored, and a digest cannot be turned back into it.  SHA-256 rather than
 * hash_bytes_extended because two clients whose keys collide share one
 * budget: with a 256-bit cryptographic digest no one can make that happen
 * on purpose, which a 64-bit non-cryptographic hash cannot promise.
 *
 * The algorithm: a sliding window counted in RL_BUCKETS sub-windows, read
 * conservatively.  Time is cut into buckets of width g = ceil(W / 60)
 * (W = podrec.rate_limit_window; g is one second for the default minute).
 * Each client keeps the units accepted in each of its last RL_SLOTS = 61
 * buckets.  At a time t in bucket i a request of cost c is accepted when
 * the units in buckets i-60 .. i plus c do not exceed the limit N.  Those
 * 61 buckets cover [(i-60)g, t], which contains (t - W, t] because
 * 60g >= W.  Hence the guarantee, for every client and every interval of
 * W seconds, aligned or not: the units accepted in it never exceed N.
 * (Take the last acceptance in the interval: when it was decided, every
 * earlier acceptance of the interval was counted, plus its own cost, and
 * the sum was at most N.)  The price of exactness is that a unit frees
 * its share of the budget between W and W + g after it was taken, never
 * earlier; and 61 counters (244 bytes) per client instead of a log of N
 * timestamps.  By contrast a fixed window admits 2N across a boundary, a
 * two-window weighted counter can overshoot, and a token bucket of
 * capacity N admits nearly 2N in W.
 *
 * The guarantee assumes that the limit and the window do not change, the
 * server does not restart (counters live in memory only), the client is
 * not evicted, and the clock does not step back (time is never allowed to
 * go backwards for a client: it is clamped to the client's newest bucket).
 * Changing podrec.rate_limit_window starts every client afresh.
 *
 * The table of clients has a fixed capacity (podrec.rate_limit_clients).
 * When it is full, a new client takes the place of the least recently
 * used one, which is always one whose counts have expired if there is
 * any: the limit never refuses a new client because the table is full,
 * but an evicted client starts again with a full budget (fail open).
 *
 * Locking: one LWLock over the table.  Digests and hash codes are computed
 * before taking it; under it a request does a hash probe, at most 61
 * counter updates and an LRU list move, and copies the client's entry
 * out; replies (retry-after, remaining) are computed from that copy after
 * the lock is released.  Nothing is allocated and nothing is reported
 * while the lock is held.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/ratelimit.c
 *
 *-------------------------------------------------------------------------
 */
#include "podrec.h"

#include "ratelimit.h"

#include <limits.h>

#include "catalog/pg_authid_d.h"
#include "common/cryptohash.h"
#include "common/jsonapi.h"
#include "common/sha2.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/ilist.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(podrec_rate_limit_take);
PG_FUNCTION_INFO_V1(podrec_rate_limit_peek);
PG_FUNCTION_INFO_V1(podrec_rate_limit_reset);
PG_FUNCTION_INFO_V1(podrec_rate_limit_status);
PG_FUNCTION_INFO_V1(podrec_pre_request);
PG_FUNCTION_INFO_V1(podrec_rate_limit_class);

/* Sub-windows per window, and counters kept per client (one more). */
#define RL_BUCKETS 60
#define RL_SLOTS (RL_BUCKETS + 1)

#define RL_TRANCHE "podrec_ratelimit"

/* Identity of a client: the SHA-256 digest of its key. */
typedef struct RateLimitKey
{
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
} RateLimitKey;

/* One client in shared memory. */
typedef struct RateLimitEntry
{
	RateLimitKey key;			/* hash key; must be first */
	dlist_node	lru;			/* place in the LRU list */
	int64		width;			/* bucket width (us) the counts were made with */
	int64		last;			/* number of the newest bucket counted */
	int32		total;			/* sum of counts */
	int32		counts[RL_SLOTS];	/* units of bucket b in counts[b % RL_SLOTS] */
} RateLimitEntry;

/* The shared header. */
typedef struct RateLimitShared
{
	LWLock	   *lock;			/* protects everything below and the table */
	dlist_head	lru;			/* most recently used client first */
	int64		evictions;		/* clients forgotten because the table was full */
	int			capacity;		/* podrec.rate_limit_clients at start-up */
} RateLimitShared;

/* The answer to one request. */
typedef struct RateLimitResult
{
	bool		enabled;		/* false when podrec.rate_limit is 0 */
	bool		allowed;
	int			limit;
	int			remaining;
	int			retry_after;	/* seconds; 0 when allowed; -1 for never */
} RateLimitResult;

/* Settings. */
static int	rl_limit = 400;
static int	rl_window = 60;
static int	rl_clients = 10000;
static char *rl_classes_string = NULL;

/*
 * Endpoint classes (podrec.rate_limit_classes): requests that match a rule
 * are counted against a budget of their own, with the rule's limit.
 */
#define RL_MAX_RULES 64
#define RL_MAX_METHOD 16
#define RL_MAX_PATH 256

typedef struct RateLimitRule
{
	char		method[RL_MAX_METHOD];	/* upper case; "" for any method */
	char		path[RL_MAX_PATH];	/* "" for any path */
	bool		prefix;			/* path ended in '*': match by prefix */
	int			limit;			/* requests per window; 0 for unlimited */
	char		name[RL_MAX_METHOD + RL_MAX_PATH + 2];	/* the rule as written */
} RateLimitRule;

typedef struct RateLimitRules
{
	int			nrules;
	RateLimitRule rules[FLEXIBLE_ARRAY_MEMBER];
} RateLimitRules;

static RateLimitRules *rl_rules = NULL;

/* Shared state, NULL unless loaded from shared_preload_libraries. */
static RateLimitShared *rl_state = NULL;
static HTAB *rl_hash = NULL;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static void rl_shmem_request(void);
static void rl_shmem_startup(void);
static bool rl_classes_check(char **newval, void **extra, GucSource source);
static void rl_classes_assign(const char *newval, void *extra);

/* ---------------------------------------------------------------------
 * Settings and shared memory
 * ---------------------------------------------------------------------
 */

/* Define the settings and, from shared_preload_libraries, hook shared memory. */
void
podrec_ratelimit_init(void)
{
	DefineCustomIntVariable("podrec.rate_limit",
							"Requests each client may make per rate-limit window.",
							"0 turns the rate limit off.",
							&rl_limit,
							400, 0, INT_MAX,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("podrec.rate_limit_window",
							"Length of the rate-limit window.",
							"Changing it starts every client's count afresh.",
							&rl_window,
							60, 1, 86400,
							PGC_SIGHUP, GUC_UNIT_S,
							NULL, NULL, NULL);

	DefineCustomStringVariable("podrec.rate_limit_classes",
							   "Rate limits of endpoint classes: comma-separated rules METHOD, /path, /prefix* or METHOD /path, each =limit.",
							   "A request is counted against the budget of the most specific rule it matches (method and path, then path, then method), with that rule's limit (0: unlimited); other requests against podrec.rate_limit.",
							   &rl_classes_string,
							   "",
							   PGC_SUSET, 0,
							   rl_classes_check, rl_classes_assign, NULL);

	/*
	 * The rest only makes sense, and a PGC_POSTMASTER setting can only be
	 * defined, while the postmaster loads shared_preload_libraries.
	 */
	if (!process_shared_preload_libraries_in_progress)
		return;

	DefineCustomIntVariable("podrec.rate_limit_clients",
							"Clients the rate limit tracks at once.",
							"When the table is full, the least recently seen client is forgotten.",
							&rl_clients,
							10000, 1, 1000000,
							PGC_POSTMASTER, 0,
							NULL, NULL, NULL);

	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = rl_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = rl_shmem_startup;
}

/* Bytes of shared memory the rate limit needs. */
static Size
rl_shmem_size(void)
{
	return add_size(MAXALIGN(sizeof(RateLimitShared)),
					hash_estimate_size(rl_clients, sizeof(RateLimitEntry)));
}

/* shmem_request_hook: reserve the table and one LWLock. */
static void
rl_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(rl_shmem_size());
	RequestNamedLWLockTranche(RL_TRANCHE, 1);
}

/* shmem_startup_hook: create the table, or attach to it. */
static void
rl_shmem_startup(void)
{
	bool		found;
	HASHCTL		info;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	rl_state = NULL;
	rl_hash = NULL;

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	rl_state = ShmemInitStruct("podrec rate limit", sizeof(RateLimitShared),
							   &found);
	if (!found)
	{
		rl_state->lock = &(GetNamedLWLockTranche(RL_TRANCHE))->lock;
		dlist_init(&rl_state->lru);
		rl_state->evictions = 0;
		rl_state->capacity = rl_clients;
	}
	memset(&info, 0, sizeof(info));
	info.keysize = sizeof(RateLimitKey);
	info.entrysize = sizeof(RateLimitEntry);
	rl_hash = ShmemInitHash("podrec rate limit clients",
							rl_clients, rl_clients, &info,
							HASH_ELEM | HASH_BLOBS | HASH_FIXED_SIZE);
	LWLockRelease(AddinShmemInitLock);
}

/* Refuse to work without the shared table, saying how to get it. */
static void
require_shared_state(void)
{
	const char *loaded = NULL;

	if (rl_state != NULL && rl_hash != NULL)
		return;
	/* Show the libraries already listed to those allowed to see them. */
	if (has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_SETTINGS))
		loaded = GetConfigOption("shared_preload_libraries", true, false);
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("podrec's rate limit needs podrec in shared_preload_libraries"),
			 errdetail("The rate limit keeps its counters in shared memory, which is set up only at server start."),
			 errhint("Put this line in postgresql.conf and restart the server: shared_preload_libraries = '%s%spodrec'",
					 loaded != NULL ? loaded : "",
					 loaded != NULL && loaded[0] != '\0' ? ", " : "")));
}

/* ---------------------------------------------------------------------
 * Endpoint classes
 * ---------------------------------------------------------------------
 */

/* Skip spaces and tabs. */
static const char *
skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * Parse one rule "[METHOD] [/path[*]] = limit" of [start, end) into rule;
 * false, with a message in GUC_check_errdetail, when it is malformed.
 */
static bool
rl_parse_rule(const char *start, const char *end, RateLimitRule *rule)
{
	const char *eq = memchr(start, '=', end - start);
	const char *p = start;
	const char *q;
	char	   *endnum;
	char		digits[16];
	long		limit;
	int			len;

	memset(rule, 0, sizeof(*rule));
	if (eq == NULL)
	{
		GUC_check_errdetail("Rule \"%.*s\" has no \"=limit\".", (int) (end - start), start);
		return false;
	}
	p = skip_blanks(p);
	if (*p != '/' && p < eq)
	{
		/* A method: letters only. */
		for (q = p; q < eq && ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z')); q++)
			;
		len = q - p;
		if (len == 0 || len >= RL_MAX_METHOD)
		{
			GUC_check_errdetail("Rule \"%.*s\" does not start with an HTTP method or a path.", (int) (end - start), start);
			return false;
		}
		for (int i = 0; i < len; i++)
			rule->method[i] = pg_ascii_toupper((unsigned char) p[i]);
		p = skip_blanks(q);
	}
	if (*p == '/')
	{
		for (q = p; q < eq && *q != ' ' && *q != '\t'; q++)
			;
		len = q - p;
		if (len > 1 && p[len - 1] == '*')
		{
			rule->prefix = true;
			len--;
		}
		if (len >= RL_MAX_PATH)
		{
			GUC_check_errdetail("Path \"%.*s\" is longer than %d bytes.", (int) (q - p), p, RL_MAX_PATH - 1);
			return false;
		}
		if (memchr(p, '*', len) != NULL)
		{
			GUC_check_errdetail("Path \"%.*s\" has a \"*\" before its end; only a final \"*\" (a prefix) is allowed.", (int) (q - p), p);
			return false;
		}
		memcpy(rule->path, p, len);
		p = skip_blanks(q);
	}
	if (p != eq || (rule->method[0] == '\0' && rule->path[0] == '\0'))
	{
		GUC_check_errdetail("Rule \"%.*s\" must be METHOD, /path, /prefix* or METHOD /path, then =limit.", (int) (end - start), start);
		return false;
	}
	len = end - (eq + 1);
	if (len <= 0 || len >= (int) sizeof(digits))
	{
		GUC_check_errdetail("Rule \"%.*s\" has no valid limit.", (int) (end - start), start);
		return false;
	}
	memcpy(digits, eq + 1, len);
	digits[len] = '\0';
	errno = 0;
	limit = strtol(skip_blanks(digits), &endnum, 10);
	if (errno != 0 || endnum == skip_blanks(digits) || *skip_blanks(endnum) != '\0' ||
		limit < 0 || limit > INT_MAX)
	{
		GUC_check_errdetail("The limit of rule \"%.*s\" must be an integer from 0 to %d.", (int) (end - start), start, INT_MAX);
		return false;
	}
	rule->limit = (int) limit;
	snprintf(rule->name, sizeof(rule->name), "%s%s%s%s", rule->method,
			 rule->method[0] && rule->path[0] ? " " : "", rule->path,
			 rule->prefix ? "*" : "");
	return true;
}

/* check_hook of podrec.rate_limit_classes: parse the rules into *extra. */
static bool
rl_classes_check(char **newval, void **extra, GucSource source)
{
	RateLimitRules *rules;
	const char *p = *newval != NULL ? *newval : "";

	/* The GUC machinery frees extra with free(): allocate it with malloc. */
	rules = (RateLimitRules *) malloc(offsetof(RateLimitRules, rules) +
									  RL_MAX_RULES * sizeof(RateLimitRule));
	if (rules == NULL)
	{
		GUC_check_errcode(ERRCODE_OUT_OF_MEMORY);
		GUC_check_errmsg("out of memory");
		return false;
	}
	rules->nrules = 0;
	while (*(p = skip_blanks(p)) != '\0')
	{
		const char *end = strchr(p, ',');

		if (end == NULL)
			end = p + strlen(p);
		if (rules->nrules == RL_MAX_RULES)
		{
			GUC_check_errdetail("At most %d rules are allowed.", RL_MAX_RULES);
			free(rules);
			return false;
		}
		if (!rl_parse_rule(p, end, &rules->rules[rules->nrules]))
		{
			free(rules);
			return false;
		}
		rules->nrules++;
		p = *end == ',' ? end + 1 : end;
	}
	*extra = rules;
	return true;
}

/* assign_hook of podrec.rate_limit_classes. */
static void
rl_classes_assign(const char *newval, void *extra)
{
	rl_rules = (RateLimitRules *) extra;
}

/*
 * The most specific rule matching a request, or NULL: method and path over
 * path over method; an exact path over a prefix, a longer prefix over a
 * shorter one; the first listed among equals.
 */
static const RateLimitRule *
rl_match_rule(const char *method, const char *path)
{
	const RateLimitRule *best = NULL;
	int			best_score = -1;

	if (rl_rules == NULL)
		return NULL;
	for (int i = 0; i < rl_rules->nrules; i++)
	{
		const RateLimitRule *r = &rl_rules->rules[i];
		int			pathlen = strlen(r->path);
		int			score = 0;

		if (r->method[0] != '\0')
		{
			if (method == NULL || pg_strcasecmp(method, r->method) != 0)
				continue;
			score += 1;
		}
		if (pathlen > 0)
		{
			if (path == NULL ||
				(r->prefix ? strncmp(path, r->path, pathlen) != 0 : strcmp(path, r->path) != 0))
				continue;
			/* Any path rule beats a method alone; exact beats every prefix. */
			score += r->prefix ? 2 * (pathlen + 1) : 2 * (RL_MAX_PATH + 1);
		}
		if (score > best_score)
		{
			best = r;
			best_score = score;
		}
	}
	return best;
}

/* ---------------------------------------------------------------------
 * Client keys
 * ---------------------------------------------------------------------
 */

/* Start a SHA-256 digest. */
static pg_cryptohash_ctx *
digest_begin(void)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);

	if (ctx == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	if (pg_cryptohash_init(ctx) < 0)
		elog(ERROR, "could not initialize SHA-256 context: %s",
			 pg_cryptohash_error(ctx));
	return ctx;
}

/* Add bytes to a digest. */
static void
digest_add(pg_cryptohash_ctx *ctx, const void *data, size_t len)
{
	if (pg_cryptohash_update(ctx, (const uint8 *) data, len) < 0)
		elog(ERROR, "could not update SHA-256 context: %s",
			 pg_cryptohash_error(ctx));
}

/*
 * Add one length-prefixed part to a digest.  Prefixed parts always contain
 * a zero byte, which text cannot: a key built from parts can never equal
 * the key of rate_limit_take(text).
 */
static void
digest_add_part(pg_cryptohash_ctx *ctx, const char *data, size_t len)
{
	uint32		n = (uint32) len;

	digest_add(ctx, &n, sizeof(n));
	if (len > 0)
		digest_add(ctx, data, len);
}

/* Finish a digest into a key and free the context. */
static void
digest_end(pg_cryptohash_ctx *ctx, RateLimitKey *key)
{
	if (pg_cryptohash_final(ctx, key->digest, sizeof(key->digest)) < 0)
		elog(ERROR, "could not finalize SHA-256 context: %s",
			 pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
}

/* The key of a client named by text. */
static void
text_key(text *client_key, RateLimitKey *key)
{
	pg_cryptohash_ctx *ctx = digest_begin();

	digest_add(ctx, VARDATA_ANY(client_key), VARSIZE_ANY_EXHDR(client_key));
	digest_end(ctx, key);
}

/* ---------------------------------------------------------------------
 * Counting
 * ---------------------------------------------------------------------
 */

/* Counter slot of bucket b. */
static inline int
slot_of(int64 b)
{
	int64		s = b % RL_SLOTS;

	return (int) (s < 0 ? s + RL_SLOTS : s);
}

/* Bucket width in microseconds for the current window. */
static inline int64
bucket_width(void)
{
	return ((int64) rl_window * USECS_PER_SEC + RL_BUCKETS - 1) / RL_BUCKETS;
}

/* Forget every count of an entry and start it at bucket. */
static void
entry_clear(RateLimitEntry *e, int64 width, int64 bucket)
{
	e->width = width;
	e->last = bucket;
	e->total = 0;
	memset(e->counts, 0, sizeof(e->counts));
}

/*
 * Move an entry's newest bucket forward to bucket, dropping the buckets
 * that leave the window.  Never back: should the clock step back, the
 * client's time stands still until the clock catches up.  Counts made with
 * another window are forgotten.
 */
static void
entry_advance(RateLimitEntry *e, int64 width, int64 bucket)
{
	int64		b;

	if (e->width != width)
	{
		entry_clear(e, width, bucket);
		return;
	}
	if (bucket <= e->last)
		return;
	if (bucket - e->last >= RL_SLOTS)
	{
		entry_clear(e, width, bucket);
		return;
	}
	for (b = e->last + 1; b <= bucket; b++)
	{
		int			s = slot_of(b);

		e->total -= e->counts[s];
		e->counts[s] = 0;
	}
	e->last = bucket;
}

/*
 * Seconds from now until the window of an advanced entry has room for cost
 * more units under limit; -1 if it never will.
 */
static int
entry_retry_after(const RateLimitEntry *e, int64 now, int limit, int cost)
{
	int64		need = (int64) e->total + cost - limit;
	int64		freed = 0;
	int64		b;

	if (need <= 0)
		return 0;
	if (cost > limit)
		return -1;
	for (b = e->last - RL_BUCKETS; b <= e->last; b++)
	{
		freed += e->counts[slot_of(b)];
		if (freed >= need)
		{
			/* Bucket b leaves the window when bucket b + RL_SLOTS begins. */
			int64		wait = (b + RL_SLOTS) * e->width - now;
			int64		seconds = (wait + USECS_PER_SEC - 1) / USECS_PER_SEC;

			return (int) Min(Max(seconds, 1), INT_MAX);
		}
	}
	return -1;					/* cannot happen: need <= total */
}

/* Fill in the answer from an advanced copy of the client's entry. */
static void
fill_result(RateLimitResult *r, const RateLimitEntry *e, int64 now,
			int limit, int cost, bool allowed)
{
	r->enabled = true;
	r->allowed = allowed;
	r->limit = limit;
	r->remaining = (int) Max((int64) limit - e->total, 0);
	r->retry_after = allowed ? 0 : entry_retry_after(e, now, limit, cost);
}

/* The entry whose LRU list node is node (dlist_container, spelt out). */
static inline RateLimitEntry *
entry_of_lru(dlist_node *node)
{
	return (RateLimitEntry *) ((char *) node - offsetof(RateLimitEntry, lru));
}

/*
 * A new entry for key, evicting the least recently used client when the
 * table is full.  Called with the lock held exclusively; allocates nothing
 * and reports nothing.
 */
static RateLimitEntry *
entry_enter(const RateLimitKey *key, uint32 hashcode, int64 width, int64 bucket)
{
	RateLimitEntry *e;
	bool		found;

	e = hash_search_with_hash_value(rl_hash, key, hashcode, HASH_ENTER_NULL,
									&found);
	if (e == NULL && !dlist_is_empty(&rl_state->lru))
	{
		RateLimitEntry *victim = entry_of_lru(dlist_tail_node(&rl_state->lru));

		dlist_delete(&victim->lru);
		(void) hash_search(rl_hash, &victim->key, HASH_REMOVE, NULL);
		rl_state->evictions++;
		e = hash_search_with_hash_value(rl_hash, key, hashcode,
										HASH_ENTER_NULL, &found);
	}
	if (e == NULL)
		return NULL;
	Assert(!found);
	entry_clear(e, width, bucket);
	dlist_push_head(&rl_state->lru, &e->lru);
	return e;
}

/*
 * Count a request of cost units for key if the limit allows it, and answer
 * whether it did.
 */
static void
rate_limit_take(const RateLimitKey *key, int cost, int limit, RateLimitResult *r)
{
	int64		width = bucket_width();
	TimestampTz now = GetCurrentTimestamp();
	int64		bucket = Max(now, 0) / width;
	uint32		hashcode = get_hash_value(rl_hash, key);
	RateLimitEntry *e;
	RateLimitEntry copy;
	bool		allowed = false;
	bool		have = false;

	if (limit == 0)
	{
		memset(r, 0, sizeof(*r));
		r->allowed = true;
		return;
	}

	LWLockAcquire(rl_state->lock, LW_EXCLUSIVE);
	e = hash_search_with_hash_value(rl_hash, key, hashcode, HASH_FIND, NULL);
	if (e == NULL && cost <= limit)
		e = entry_enter(key, hashcode, width, bucket);
	if (e != NULL)
	{
		entry_advance(e, width, bucket);
		allowed = (int64) e->total + cost <= limit;
		if (allowed)
		{
			e->counts[slot_of(e->last)] += cost;
			e->total += cost;
		}
		dlist_move_head(&rl_state->lru, &e->lru);
		copy = *e;
		have = true;
	}
	LWLockRelease(rl_state->lock);

	if (!have)
	{
		/* Unknown client: either cost exceeds the limit, or no room (fail open). */
		entry_clear(&copy, width, bucket);
		allowed = cost <= limit;
		if (allowed)
			copy.total = cost;
	}
	fill_result(r, &copy, now, limit, cost, allowed);
}

/* Answer whether a request of cost 1 would be allowed, counting nothing. */
static void
rate_limit_peek(const RateLimitKey *key, RateLimitResult *r)
{
	int			limit = rl_limit;
	int64		width = bucket_width();
	TimestampTz now = GetCurrentTimestamp();
	int64		bucket = Max(now, 0) / width;
	uint32		hashcode = get_hash_value(rl_hash, key);
	RateLimitEntry *e;
	RateLimitEntry copy;
	bool		have = false;

	if (limit == 0)
	{
		memset(r, 0, sizeof(*r));
		r->allowed = true;
		return;
	}

	LWLockAcquire(rl_state->lock, LW_SHARED);
	e = hash_search_with_hash_value(rl_hash, key, hashcode, HASH_FIND, NULL);
	if (e != NULL)
	{
		copy = *e;
		have = true;
	}
	LWLockRelease(rl_state->lock);

	if (have)
		entry_advance(&copy, width, bucket);
	else
		entry_clear(&copy, width, bucket);
	fill_result(r, &copy, now, limit, 1, (int64) copy.total + 1 <= limit);
}

/* Build the one-row result of take and peek. */
static void
return_result(FunctionCallInfo fcinfo, const RateLimitResult *r)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	InitMaterializedSRF(fcinfo, 0);
	values[0] = BoolGetDatum(r->allowed);
	values[1] = Int32GetDatum(r->limit);
	values[2] = Int32GetDatum(r->remaining);
	values[3] = Int32GetDatum(r->retry_after);
	if (!r->enabled)
		nulls[1] = nulls[2] = true;
	else if (r->retry_after < 0)
		nulls[3] = true;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/* The client key argument, which must be a non-empty text. */
static text *
client_key_arg(FunctionCallInfo fcinfo, const char *fname)
{
	text	   *t;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("client key of %s must not be null", fname)));
	t = PG_GETARG_TEXT_PP(0);
	if (VARSIZE_ANY_EXHDR(t) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("client key of %s must not be empty", fname)));
	return t;
}

/*
 * rate_limit_take(client_key text, cost integer)
 *		returns table(allowed boolean, limit_per_window integer,
 *					  remaining integer, retry_after_seconds integer)
 */
Datum
podrec_rate_limit_take(PG_FUNCTION_ARGS)
{
	text	   *client_key;
	int			cost;
	RateLimitKey key;
	RateLimitResult r;

	require_shared_state();
	client_key = client_key_arg(fcinfo, "rate_limit_take");
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("cost of rate_limit_take must not be null")));
	cost = PG_GETARG_INT32(1);
	if (cost < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cost of rate_limit_take must be at least 1"),
				 errdetail("The cost was %d.", cost)));

	text_key(client_key, &key);
	rate_limit_take(&key, cost, rl_limit, &r);
	return_result(fcinfo, &r);
	return (Datum) 0;
}

/*
 * rate_limit_peek(client_key text)
 *		returns table(allowed boolean, limit_per_window integer,
 *					  remaining integer, retry_after_seconds integer)
 */
Datum
podrec_rate_limit_peek(PG_FUNCTION_ARGS)
{
	RateLimitKey key;
	RateLimitResult r;

	require_shared_state();
	text_key(client_key_arg(fcinfo, "rate_limit_peek"), &key);
	rate_limit_peek(&key, &r);
	return_result(fcinfo, &r);
	return (Datum) 0;
}

/* rate_limit_reset(client_key text) returns integer: clients forgotten */
Datum
podrec_rate_limit_reset(PG_FUNCTION_ARGS)
{
	int			removed = 0;

	require_shared_state();
	if (PG_ARGISNULL(0))
	{
		HASH_SEQ_STATUS seq;
		RateLimitEntry *e;

		LWLockAcquire(rl_state->lock, LW_EXCLUSIVE);
		hash_seq_init(&seq, rl_hash);
		while ((e = hash_seq_search(&seq)) != NULL)
		{
			dlist_delete(&e->lru);
			(void) hash_search(rl_hash, &e->key, HASH_REMOVE, NULL);
			removed++;
		}
		LWLockRelease(rl_state->lock);
	}
	else
	{
		RateLimitKey key;
		uint32		hashcode;
		RateLimitEntry *e;

		text_key(client_key_arg(fcinfo, "rate_limit_reset"), &key);
		hashcode = get_hash_value(rl_hash, &key);
		LWLockAcquire(rl_state->lock, LW_EXCLUSIVE);
		e = hash_search_with_hash_value(rl_hash, &key, hashcode, HASH_FIND,
										NULL);
		if (e != NULL)
		{
			dlist_delete(&e->lru);
			(void) hash_search_with_hash_value(rl_hash, &key, hashcode,
											   HASH_REMOVE, NULL);
			removed = 1;
		}
		LWLockRelease(rl_state->lock);
	}
	PG_RETURN_INT32(removed);
}

/*
 * rate_limit_status()
 *		returns table(capacity integer, clients integer, evictions bigint)
 */
Datum
podrec_rate_limit_status(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	int			capacity;
	long		clients;
	int64		evictions;

	require_shared_state();
	LWLockAcquire(rl_state->lock, LW_SHARED);
	capacity = rl_state->capacity;
	clients = hash_get_num_entries(rl_hash);
	evictions = rl_state->evictions;
	LWLockRelease(rl_state->lock);

	InitMaterializedSRF(fcinfo, 0);
	values[0] = Int32GetDatum(capacity);
	values[1] = Int32GetDatum((int32) clients);
	values[2] = Int64GetDatum(evictions);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * PostgREST's db-pre-request
 * ---------------------------------------------------------------------
 */

/* Is s (NUL-terminated, in the database encoding) valid JSON? */
static bool
json_text_is_valid(char *s)
{
	JsonLexContext *lex = makeJsonLexContextCstringLen(s, strlen(s),
													   GetDatabaseEncoding(),
													   true);

	return pg_parse_json(lex, &nullSemAction) == JSON_SUCCESS;
}

/*
 * A request.* setting as a jsonb object, or NULL when it is not set or is
 * '' (what a setting of an earlier transaction leaves behind).
 */
static Jsonb *
request_setting(const char *name)
{
	const char *value = GetConfigOption(name, true, false);
	char	   *copy;
	Jsonb	   *jb;

	if (value == NULL || value[0] == '\0')
		return NULL;
	copy = pstrdup(value);
	if (!json_text_is_valid(copy))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("setting \"%s\" is not valid JSON", name),
				 errdetail("podrec.pre_request reads the request context that PostgREST sets as JSON objects.")));
	jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(copy)));
	if (!JB_ROOT_IS_OBJECT(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("setting \"%s\" is not a JSON object", name),
				 errdetail("podrec.pre_request reads the request context that PostgREST sets as JSON objects.")));
	return jb;
}

/* The string value of key in a jsonb object; false if absent or not a string. */
static bool
object_string(Jsonb *obj, const char *key, const char **s, int *len)
{
	JsonbValue	v;

	if (obj == NULL ||
		!getKeyJsonValueFromContainer(&obj->root, key, strlen(key), &v) ||
		v.type != jbvString)
		return false;
	*s = v.val.string.val;
	*len = v.val.string.len;
	return true;
}

/* Narrow [*s, *s + *len) to exclude leading and trailing spaces and tabs. */
static void
trim_blanks(const char **s, int *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t'))
	{
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/*
 * The key of the client of the current PostgREST request: the credential
 * (the bearer token, or the role of an anonymous request) combined with
 * the first address of X-Forwarded-For, if any.  Only the digest is kept.
 */
static void
pre_request_key(const RateLimitRule *rule, RateLimitKey *key)
{
	Jsonb	   *headers = request_setting("request.headers");
	const char *cred = NULL;
	int			credlen = 0;
	bool		bearer = false;
	const char *xff;
	int			xfflen;
	char	   *addr = NULL;
	int			addrlen = 0;
	pg_cryptohash_ctx *ctx;

	if (object_string(headers, "authorization", &cred, &credlen))
	{
		trim_blanks(&cred, &credlen);
		if (credlen > 7 && pg_strncasecmp(cred, "bearer", 6) == 0 &&
			(cred[6] == ' ' || cred[6] == '\t'))
		{
			/* "Bearer <token>": the token; any other scheme: the whole value */
			cred += 7;
			credlen -= 7;
			trim_blanks(&cred, &credlen);
		}
		bearer = credlen > 0;
	}
	if (!bearer)
	{
		Jsonb	   *claims = request_setting("request.jwt.claims");

		if (!object_string(claims, "role", &cred, &credlen) || credlen == 0)
		{
			cred = GetUserNameFromId(GetUserId(), false);
			credlen = strlen(cred);
		}
	}

	if (object_string(headers, "x-forwarded-for", &xff, &xfflen))
	{
		const char *comma = memchr(xff, ',', xfflen);
		int			i;

		if (comma != NULL)
			xfflen = comma - xff;
		trim_blanks(&xff, &xfflen);
		addr = pnstrdup(xff, xfflen);
		addrlen = xfflen;
		for (i = 0; i < addrlen; i++)
			addr[i] = pg_ascii_tolower((unsigned char) addr[i]);
	}

	ctx = digest_begin();
	digest_add_part(ctx, "podrec.pre_request", strlen("podrec.pre_request"));
	digest_add_part(ctx, bearer ? "bearer" : "anonymous", bearer ? 6 : 9);
	digest_add_part(ctx, cred, credlen);
	digest_add_part(ctx, addr, addrlen);
	/* Each endpoint class has a budget of its own. */
	if (rule != NULL)
		digest_add_part(ctx, rule->name, strlen(rule->name));
	digest_end(ctx, key);
}

/* Append "<n> <noun>" with the noun in the plural unless n is 1. */
static void
append_count(StringInfo buf, int n, const char *singular, const char *plural)
{
	appendStringInfo(buf, "%d %s", n, n == 1 ? singular : plural);
}

/*
 * Refuse the request the way PostgREST 12 turns into a full HTTP response:
 * SQLSTATE PGRST, MESSAGE the JSON error body, DETAIL the status and headers.
 */
static void
raise_too_many_requests(const RateLimitResult *r, const RateLimitRule *rule)
{
	StringInfoData text;
	StringInfoData message;
	StringInfoData detail;

	initStringInfo(&message);
	initStringInfo(&text);
	appendStringInfoString(&message, "{\"code\":\"PT429\",\"message\":\"rate limit exceeded\",\"details\":");
	appendStringInfoString(&text, "At most ");
	append_count(&text, r->limit, "request", "requests");
	appendStringInfoString(&text, " per ");
	append_count(&text, rl_window, "second", "seconds");
	appendStringInfoString(&text, r->limit == 1 ? " is" : " are");
	appendStringInfoString(&text, " allowed for each token and client address");
	if (rule != NULL)
		appendStringInfo(&text, " on %s", rule->name);
	appendStringInfoChar(&text, '.');
	escape_json(&message, text.data);
	appendStringInfoString(&message, ",\"hint\":");
	resetStringInfo(&text);
	appendStringInfoString(&text, "Retry after ");
	append_count(&text, r->retry_after, "second", "seconds");
	appendStringInfoChar(&text, '.');
	escape_json(&message, text.data);
	appendStringInfoChar(&message, '}');

	initStringInfo(&detail);
	appendStringInfo(&detail,
					 "{\"status\":429,\"headers\":{\"Retry-After\":\"%d\",\"X-RateLimit-Limit\":\"%d\",\"X-RateLimit-Remaining\":\"%d\"}}",
					 r->retry_after, r->limit, r->remaining);

	ereport(ERROR,
			(errcode(MAKE_SQLSTATE('P', 'G', 'R', 'S', 'T')),
			 errmsg_internal("%s", message.data),
			 errdetail_internal("%s", detail.data)));
}

/* Is this element of response.headers one of the headers pre_request sets? */
static bool
is_rate_limit_header(JsonbValue *elem)
{
	JsonbIterator *it;
	JsonbValue	k;

	if (elem->type != jbvBinary ||
		!JsonContainerIsObject(elem->val.binary.data) ||
		JsonContainerSize(elem->val.binary.data) != 1)
		return false;
	it = JsonbIteratorInit(elem->val.binary.data);
	if (JsonbIteratorNext(&it, &k, true) != WJB_BEGIN_OBJECT ||
		JsonbIteratorNext(&it, &k, true) != WJB_KEY)
		return false;
	return (k.val.string.len == strlen("X-RateLimit-Limit") &&
			pg_strncasecmp(k.val.string.val, "X-RateLimit-Limit", k.val.string.len) == 0) ||
		(k.val.string.len == strlen("X-RateLimit-Remaining") &&
		 pg_strncasecmp(k.val.string.val, "X-RateLimit-Remaining", k.val.string.len) == 0);
}

/* Push {"name": "value"} as an element of the array being built. */
static void
push_header(JsonbParseState **state, const char *name, int value)
{
	JsonbValue	k;
	JsonbValue	v;
	char		digits[12];

	k.type = jbvString;
	k.val.string.val = pstrdup(name);
	k.val.string.len = strlen(name);
	v.type = jbvString;
	v.val.string.len = pg_ltoa(value, digits);
	v.val.string.val = pnstrdup(digits, v.val.string.len);
	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	pushJsonbValue(state, WJB_KEY, &k);
	pushJsonbValue(state, WJB_VALUE, &v);
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

/*
 * Add X-RateLimit-Limit and X-RateLimit-Remaining to response.headers for
 * this transaction.  The setting must stay a JSON array of one-key objects
 * (PostgREST answers PGRST111 otherwise): headers already there are kept,
 * earlier X-RateLimit-* ones are replaced, and a value that is not a JSON
 * array is left as it is.
 */
static void
add_response_headers(const RateLimitResult *r)
{
	const char *current = GetConfigOption("response.headers", true, false);
	JsonbParseState *state = NULL;
	JsonbValue *result;
	char	   *out;

	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	if (current != NULL && current[0] != '\0')
	{
		char	   *copy = pstrdup(current);
		const char *p = copy;
		Jsonb	   *jb;
		JsonbIterator *it;
		JsonbValue	v;
		JsonbIteratorToken tok;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p != '[' || !json_text_is_valid(copy))
			return;
		jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(copy)));
		it = JsonbIteratorInit(&jb->root);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
			if (tok == WJB_ELEM && !is_rate_limit_header(&v))
				pushJsonbValue(&state, WJB_ELEM, &v);
	}
	push_header(&state, "X-RateLimit-Limit", r->limit);
	push_header(&state, "X-RateLimit-Remaining", r->remaining);
	result = pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	out = JsonbToCString(NULL, &JsonbValueToJsonb(result)->root, 0);
	(void) set_config_option("response.headers", out,
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_LOCAL,
							 true, 0, false);
}

/*
 * pre_request() returns void
 *
 * PostgREST's db-pre-request: count the request against its client's
 * budget; refuse it with HTTP 429 and Retry-After when the budget is spent,
 * else tell the client what is left in X-RateLimit-* headers.
 */
Datum
podrec_pre_request(PG_FUNCTION_ARGS)
{
	RateLimitKey key;
	RateLimitResult r;
	const RateLimitRule *rule;
	int			limit;

	require_shared_state();
	rule = rl_match_rule(GetConfigOption("request.method", true, false),
						 GetConfigOption("request.path", true, false));
	limit = rule != NULL ? rule->limit : rl_limit;
	if (limit == 0)
		PG_RETURN_VOID();
	pre_request_key(rule, &key);
	rate_limit_take(&key, 1, limit, &r);
	if (!r.allowed)
		raise_too_many_requests(&r, rule);
	if (r.enabled)
		add_response_headers(&r);
	PG_RETURN_VOID();
}

/*
 * rate_limit_class(method text, path text)
 *		returns table(class text, limit_per_window integer)
 *
 * The endpoint class a request would be counted in (NULL: the default
 * budget of podrec.rate_limit) and its limit (NULL: unlimited).
 */
Datum
podrec_rate_limit_class(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *method = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *path = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	const RateLimitRule *rule = rl_match_rule(method, path);
	int			limit = rule != NULL ? rule->limit : rl_limit;
	Datum		values[2];
	bool		nulls[2] = {rule == NULL, limit == 0};

	InitMaterializedSRF(fcinfo, 0);
	values[0] = rule != NULL ? CStringGetTextDatum(rule->name) : (Datum) 0;
	values[1] = Int32GetDatum(limit);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}
