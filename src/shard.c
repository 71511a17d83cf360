/*-------------------------------------------------------------------------
 *
 * shard.c
 *	  podrec.mget and podrec.find on a coordinator: one statement per
 *	  shard for all of its flows.
 *
 * On a coordinator (podrec.shard_setup) podrec.items is partitioned over
 * postgres_fdw foreign tables.  Answering an mget flow by flow through the
 * partitioned table costs every flow a remote cursor (DECLARE, FETCH,
 * CLOSE), a remote plan, and a batch of fetch_size rows however small the
 * page (PostgreSQL 15 does not pass a LIMIT through a partitioned table).
 * shard_setup therefore points podrec.mget at podrec_shard_mget (and
 * podrec.find at podrec_shard_find, a single request), which
 *
 *	1. checks the body exactly as podrec.mget does (mget_parse_body);
 *	2. looks up, in one query run as the caller, which requested flows the
 *	   caller sees (row-level security on podrec.flows: a flow of another
 *	   account does not exist, the error of a single node) and the account
 *	   the caller reads for (none for podrec.is_admin(), else
 *	   podrec.current_account()); the foreign server of each flow's
 *	   partition is computed here, as PostgreSQL routes a row (the hash of
 *	   the partition key, the partition descriptor of the relation cache);
 *	3. sends every shard that holds a requested flow one statement: a UNION
 *	   ALL of one branch per flow, each the find of that flow with its
 *	   filter, time range, cursor, order, LIMIT and OFFSET, and the
 *	   condition account_id = <the caller's account> unless the caller is
 *	   an administrator (foreign tables have no row-level security: the
 *	   tenant condition travels in the statement, before the LIMIT);
 *	   all shards at once, then one wait on all their sockets reads each
 *	   answer as it arrives;
 *	4. returns the rows in request order, each flow's in its find's order.
 *
 * The statements go over connections of podrec's own, one per foreign
 * server and user mapping, kept for the session and opened with the
 * options of the server and the mapping under postgres_fdw's rules (a role
 * that is not a superuser needs a password unless a superuser set
 * password_required 'false').  Each statement runs by itself on the shard
 * (autocommit): one round trip per shard, where a postgres_fdw connection
 * would add a remote START TRANSACTION and COMMIT.  The shards are read at
 * once; a stopped shard fails only the mgets that ask for one of its
 * flows, with postgres_fdw's message (could not connect to server "...").
 *
 * Values travel as parameters in text ($n::type; times as ISO 8601 in
 * UTC), so that a statement's text depends only on the shape of its finds
 * (how many, their filter or not, sort, order, cursor, LIMIT and OFFSET):
 * each text is prepared once per connection (PREPARE podrec_N) and run by
 * name afterwards, the shard neither parsing it again nor, once its plan
 * cache settles on the generic plan, planning it.  The shard's session
 * has search_path pg_catalog and this database's encoding, which the
 * shard's database must have.  Answers come in binary: documents as their
 * stored form (podrec.jsonb_image), text as it is.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/shard.c
 *
 *-------------------------------------------------------------------------
 */
#include "podrec.h"

#include "find.h"

#include "libpq-fe.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "foreign/foreign.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "partitioning/partbounds.h"
#include "partitioning/partdesc.h"
#include "pgstat.h"
#include "port/pg_bswap.h"
#include "storage/latch.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/partcache.h"
#include "utils/rel.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(podrec_shard_mget);
PG_FUNCTION_INFO_V1(podrec_shard_find);
PG_FUNCTION_INFO_V1(podrec_jsonb_image);

/* The byte-order mark of a jsonb image: the stored form is in host order. */
#ifdef WORDS_BIGENDIAN
#define JSONB_IMAGE_MARK 'B'
#else
#define JSONB_IMAGE_MARK 'L'
#endif

/*
 * A connection to a shard, kept for the life of the backend: for one
 * foreign server and user mapping, with the libpq options they had.
 */
#define SHARD_MAX_PREPARED 32

typedef struct ShardConn
{
	Oid			server;
	Oid			umid;
	char	   *options;		/* "keyword=value\n"..., to see a change */
	PGconn	   *conn;
	int			nprepared;		/* statements prepared on conn */
	int			next_slot;		/* the one to replace when all are taken */
	char	   *prepared[SHARD_MAX_PREPARED];	/* their text, by slot */
} ShardConn;

#define SHARD_MAX_CONNS 64
static ShardConn shard_conns[SHARD_MAX_CONNS];
static int	shard_nconns = 0;

/* The flows and account of a body (one statement, kept). */
static SPIPlanPtr route_plan = NULL;

/* One shard an mget talks to. */
typedef struct ShardCall
{
	Oid			server;
	const char *servername;
	StringInfoData sql;
	int			nbranches;
	int			nparams;
	int			maxparams;
	const char **params;		/* the values of $1, $2, ...: text */
	PGconn	   *conn;
} ShardCall;

/* One item that came back: its request, its rank, the item. */
typedef struct ShardRow
{
	int			req;
	int			ord;
	HeapTuple	item;
} ShardRow;

/* Forget a connection, and close it. */
static void
shard_disconnect(ShardConn *sc)
{
	if (sc->conn != NULL)
		PQfinish(sc->conn);
	sc->conn = NULL;
	for (int i = 0; i < sc->nprepared; i++)
		pfree(sc->prepared[i]);
	sc->nprepared = 0;
	sc->next_slot = 0;
}

/* Is an option of a server or user mapping one that libpq takes? */
static bool
libpq_option(const char *name)
{
	static PQconninfoOption *defaults = NULL;

	if (defaults == NULL)
	{
		defaults = PQconndefaults();
		if (defaults == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
	}
	/* the coordinator sets these itself */
	if (strcmp(name, "client_encoding") == 0 || strcmp(name, "fallback_application_name") == 0)
		return false;
	for (PQconninfoOption *o = defaults; o->keyword != NULL; o++)
		if (strcmp(o->keyword, name) == 0 && strchr(o->dispchar, 'D') == NULL)
			return true;
	return false;
}

/*
 * The connection to a shard for the caller's user mapping, opened on first
 * use (or when the options changed, or the connection broke).  The rules
 * are postgres_fdw's: the libpq options of the foreign server and of the
 * user mapping; a role that is not a superuser must give a password, and
 * the shard must ask for it, unless a superuser set password_required
 * 'false' on the mapping.  The session has search_path pg_catalog and the
 * coordinator's encoding, which the shard's database must have.
 */
static PGconn *
shard_connection(Oid serverid)
{
	ForeignServer *server = GetForeignServer(serverid);
	UserMapping *um = GetUserMapping(GetUserId(), serverid);
	List	   *opts = list_concat(list_copy(server->options), um->options);
	const char **keys = palloc(sizeof(char *) * (list_length(opts) + 3));
	const char **vals = palloc(sizeof(char *) * (list_length(opts) + 3));
	int			n = 0;
	bool		has_password = false;
	bool		password_required = true;
	StringInfoData key;
	ShardConn  *sc = NULL;
	ListCell   *lc;
	PGconn	   *conn;
	PGresult   *res;
	const char *encoding;

	initStringInfo(&key);
	foreach(lc, opts)
	{
		DefElem    *d = (DefElem *) lfirst(lc);

		if (strcmp(d->defname, "password_required") == 0)
			password_required = defGetBoolean(d);
		if (!libpq_option(d->defname))
			continue;
		if (strcmp(d->defname, "password") == 0)
			has_password = true;
		keys[n] = d->defname;
		vals[n] = defGetString(d);
		appendStringInfo(&key, "%s=%s\n", keys[n], vals[n]);
		n++;
	}
	keys[n] = "fallback_application_name";
	vals[n++] = "podrec";
	keys[n] = "client_encoding";
	vals[n++] = GetDatabaseEncodingName();
	keys[n] = NULL;
	vals[n] = NULL;

	for (int i = 0; i < shard_nconns; i++)
		if (shard_conns[i].server == serverid && shard_conns[i].umid == um->umid)
			sc = &shard_conns[i];
	if (sc != NULL && sc->conn != NULL)
	{
		if (strcmp(sc->options, key.data) == 0 && PQstatus(sc->conn) == CONNECTION_OK &&
			PQtransactionStatus(sc->conn) == PQTRANS_IDLE)
			return sc->conn;
		shard_disconnect(sc);
	}
	if (sc == NULL)
	{
		if (shard_nconns == SHARD_MAX_CONNS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many shard connections in this session"),
					 errdetail("A session keeps at most %d.", SHARD_MAX_CONNS)));
		sc = &shard_conns[shard_nconns++];
		sc->server = serverid;
		sc->umid = um->umid;
		sc->options = NULL;
		sc->conn = NULL;
		sc->nprepared = 0;
		sc->next_slot = 0;
	}

	if (!superuser_arg(um->userid) && password_required && !has_password)
		ereport(ERROR,
				(errcode(ERRCODE_S_R_E_PROHIBITED_SQL_STATEMENT_ATTEMPTED),
				 errmsg("password is required"),
				 errdetail("Non-superusers must provide a password in the user mapping.")));
	conn = PQconnectdbParams(keys, vals, false);
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
	{
		char	   *msg = pchomp(conn != NULL ? PQerrorMessage(conn) : "out of memory");

		if (conn != NULL)
			PQfinish(conn);
		ereport(ERROR,
				(errcode(ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION),
				 errmsg("could not connect to server \"%s\"", server->servername),
				 errdetail_internal("%s", msg)));
	}
	if (!superuser_arg(um->userid) && password_required && !PQconnectionUsedPassword(conn))
	{
		PQfinish(conn);
		ereport(ERROR,
				(errcode(ERRCODE_S_R_E_PROHIBITED_SQL_STATEMENT_ATTEMPTED),
				 errmsg("password is required"),
				 errdetail("Non-superuser cannot connect if the server does not request a password."),
				 errhint("Target server's authentication method must be changed or set the password_required=false in the user mapping attributes.")));
	}
	encoding = PQparameterStatus(conn, "server_encoding");
	if (encoding == NULL || strcmp(encoding, GetDatabaseEncodingName()) != 0)
	{
		char	   *theirs = pstrdup(encoding != NULL ? encoding : "unknown");

		PQfinish(conn);
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("the database of server \"%s\" has encoding %s, this one %s",
						server->servername, theirs, GetDatabaseEncodingName()),
				 errhint("A podrec shard's database needs the coordinator's encoding.")));
	}
	res = PQexec(conn, "SET search_path = pg_catalog");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		char	   *msg = pchomp(PQerrorMessage(conn));

		PQclear(res);
		PQfinish(conn);
		ereport(ERROR,
				(errcode(ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION),
				 errmsg("could not set up the connection to server \"%s\"", server->servername),
				 errdetail_internal("%s", msg)));
	}
	PQclear(res);
	if (sc->options != NULL)
		pfree(sc->options);
	sc->options = MemoryContextStrdup(TopMemoryContext, key.data);
	sc->conn = conn;
	return conn;
}

/* The kept connection of a PGconn, or NULL. */
static ShardConn *
shard_conn_of(PGconn *conn)
{
	for (int i = 0; i < shard_nconns; i++)
		if (shard_conns[i].conn == conn)
			return &shard_conns[i];
	return NULL;
}

/*
 * Wait, interruptibly, for the answer of the statement in flight on conn:
 * its last result.  A shard that dies meanwhile is reported by name.
 */
static PGresult *
shard_result(PGconn *conn, const char *servername)
{
	PGresult   *last = NULL;

	for (;;)
	{
		PGresult   *r;

		while (PQisBusy(conn))
		{
			int			rc = WaitLatchOrSocket(MyLatch,
											   WL_LATCH_SET | WL_SOCKET_READABLE | WL_EXIT_ON_PM_DEATH,
											   PQsocket(conn), -1L, PG_WAIT_EXTENSION);

			if (rc & WL_LATCH_SET)
			{
				ResetLatch(MyLatch);
				CHECK_FOR_INTERRUPTS();
			}
			if ((rc & WL_SOCKET_READABLE) && !PQconsumeInput(conn))
				ereport(ERROR,
						(errcode(ERRCODE_CONNECTION_FAILURE),
						 errmsg("lost the connection to server \"%s\"", servername),
						 errdetail_internal("%s", pchomp(PQerrorMessage(conn)))));
		}
		r = PQgetResult(conn);
		if (r == NULL)
			break;
		if (last != NULL)
			PQclear(last);
		last = r;
	}
	return last;
}

/*
 * Wait, interruptibly, until every call's answer has come (none of its
 * connections busy), reading each shard as its data arrives: one wait on
 * all the shards' sockets at once, so that no shard waits on a full
 * socket while another is read, and the wait set is made once per mget
 * rather than once per wait.
 */
static void
shard_wait_all(ShardCall *calls, int ncalls)
{
	WaitEventSet *volatile set = NULL;
	WaitEvent  *events = palloc(sizeof(WaitEvent) * (ncalls + 2));

	PG_TRY();
	{
		for (;;)
		{
			bool		busy = false;
			int			nev;

			for (int c = 0; c < ncalls && !busy; c++)
				busy = PQisBusy(calls[c].conn);
			if (!busy)
				break;
			if (set == NULL)
			{
				set = CreateWaitEventSet(CurrentMemoryContext, ncalls + 2);
				AddWaitEventToSet(set, WL_LATCH_SET, PGINVALID_SOCKET, MyLatch, NULL);
				AddWaitEventToSet(set, WL_EXIT_ON_PM_DEATH, PGINVALID_SOCKET, NULL, NULL);
				for (int c = 0; c < ncalls; c++)
					AddWaitEventToSet(set, WL_SOCKET_READABLE, PQsocket(calls[c].conn), NULL, &calls[c]);
			}
			nev = WaitEventSetWait(set, -1L, events, ncalls + 2, PG_WAIT_EXTENSION);
			for (int e = 0; e < nev; e++)
			{
				ShardCall  *call = (ShardCall *) events[e].user_data;

				if (events[e].events & WL_LATCH_SET)
				{
					ResetLatch(MyLatch);
					CHECK_FOR_INTERRUPTS();
				}
				if ((events[e].events & WL_SOCKET_READABLE) && call != NULL &&
					!PQconsumeInput(call->conn))
					ereport(ERROR,
							(errcode(ERRCODE_CONNECTION_FAILURE),
							 errmsg("lost the connection to server \"%s\"", call->servername),
							 errdetail_internal("%s", pchomp(PQerrorMessage(call->conn)))));
			}
		}
	}
	PG_FINALLY();
	{
		if (set != NULL)
			FreeWaitEventSet(set);
	}
	PG_END_TRY();
	pfree(events);
}

/* Raise the error a shard answered with, as its own. */
static void pg_attribute_noreturn()
shard_error(PGresult *res, PGconn *conn, const char *servername, const char *sql)
{
	const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *hint = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
	int			code = state != NULL
		? MAKE_SQLSTATE(state[0], state[1], state[2], state[3], state[4])
		: ERRCODE_CONNECTION_FAILURE;
	char	   *msg = pstrdup(primary != NULL ? primary : pchomp(PQerrorMessage(conn)));
	char	   *d = detail != NULL ? pstrdup(detail) : NULL;
	char	   *h = hint != NULL ? pstrdup(hint) : NULL;

	ereport(ERROR,
			(errcode(code),
			 primary != NULL ? errmsg_internal("%s", msg)
			 : errmsg("lost the connection to server \"%s\"", servername),
			 primary == NULL ? errdetail_internal("%s", msg) : d != NULL ? errdetail_internal("%s", d) : 0,
			 h != NULL ? errhint("%s", h) : 0,
			 errcontext("statement on server \"%s\": %.200s", servername, sql)));
}

/*
 * A value of a shard's statement: the next parameter, $n::cast, its text
 * kept for the call.  The statement's text is so the same for every mget
 * of the same shape, and is prepared once per connection.
 */
static void
append_param(ShardCall *call, const char *text, const char *cast)
{
	if (call->nparams == call->maxparams)
	{
		call->maxparams = call->maxparams == 0 ? 16 : call->maxparams * 2;
		call->params = call->params == NULL
			? palloc(sizeof(char *) * call->maxparams)
			: repalloc(call->params, sizeof(char *) * call->maxparams);
	}
	call->params[call->nparams++] = text;
	appendStringInfo(&call->sql, "$%d::%s", call->nparams, cast);
}

/* Run a statement of no rows on conn and wait for it; raise its error. */
static void
shard_command(PGconn *conn, const char *servername, const char *sql)
{
	PGresult   *res;

	if (!PQsendQuery(conn, sql))
		shard_error(NULL, conn, servername, sql);
	res = shard_result(conn, servername);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		shard_error(res, conn, servername, sql);
	PQclear(res);
}

/*
 * Send a call's statement on its connection, prepared there: on first use
 * of its text the statement is prepared (PREPARE podrec_N, one round trip,
 * which the shard plans as its plan cache decides: custom plans for the
 * first runs, then the generic plan if it costs no more), and is run from
 * then on by name with the call's parameters.  A connection keeps
 * SHARD_MAX_PREPARED statements; past that the oldest is deallocated.  The
 * answer comes in binary: documents as their images, not as JSON text.
 * False if the connection is broken.
 */
static bool
shard_send(ShardCall *call)
{
	ShardConn  *sc = shard_conn_of(call->conn);
	int			slot = -1;
	char		name[32];

	if (sc == NULL)
		elog(ERROR, "a shard call without a kept connection");
	for (int i = 0; i < sc->nprepared; i++)
		if (sc->prepared[i] != NULL && strcmp(sc->prepared[i], call->sql.data) == 0)
			slot = i;
	if (slot < 0)
	{
		char	   *text = MemoryContextStrdup(TopMemoryContext, call->sql.data);
		PGresult   *res;

		if (sc->nprepared < SHARD_MAX_PREPARED)
			slot = sc->nprepared;
		else
		{
			slot = sc->next_slot;
			sc->next_slot = (sc->next_slot + 1) % SHARD_MAX_PREPARED;
			pfree(sc->prepared[slot]);
			sc->prepared[slot] = NULL;
			snprintf(name, sizeof(name), "DEALLOCATE podrec_%d", slot);
			shard_command(call->conn, call->servername, name);
		}
		snprintf(name, sizeof(name), "podrec_%d", slot);
		if (!PQsendPrepare(call->conn, name, call->sql.data, 0, NULL))
		{
			pfree(text);
			return false;
		}
		res = shard_result(call->conn, call->servername);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
		{
			pfree(text);
			shard_error(res, call->conn, call->servername, call->sql.data);
		}
		PQclear(res);
		sc->prepared[slot] = text;
		if (slot == sc->nprepared)
			sc->nprepared++;
	}
	snprintf(name, sizeof(name), "podrec_%d", slot);
	return PQsendQueryPrepared(call->conn, name, call->nparams, call->params, NULL, NULL, 1) != 0;
}

/* A time as a parameter, in UTC: '2025-01-01 00:00:00.5+00'. */
static void
append_time(ShardCall *call, TimestampTz t)
{
	struct pg_tm tm;
	fsec_t		fsec;
	char		buf[MAXDATELEN + 1];

	if (TIMESTAMP_IS_NOBEGIN(t))
		append_param(call, "-infinity", "pg_catalog.timestamptz");
	else if (TIMESTAMP_IS_NOEND(t))
		append_param(call, "infinity", "pg_catalog.timestamptz");
	else
	{
		if (timestamp2tm(t, NULL, &tm, &fsec, NULL, NULL) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("timestamp out of range")));
		EncodeDateTime(&tm, fsec, false, 0, NULL, USE_ISO_DATES, buf);
		append_param(call, psprintf("%s+00", buf), "pg_catalog.timestamptz");
	}
}

/* A value as a parameter of its type, through the type's output function. */
static void
append_literal(ShardCall *call, Datum value, Oid type, const char *cast)
{
	Oid			out;
	bool		varlena;

	getTypeOutputInfo(type, &out, &varlena);
	append_param(call, OidOutputFunctionCall(out, value), cast);
}

/*
 * The SQL expression a sort orders by, on the shard: the expressions of
 * podrec.find's own query, so that both order alike.
 */
static void
append_sort_expr(ShardCall *call, const FindRequest *req)
{
	StringInfo	sql = &call->sql;

	switch (req->sort)
	{
		case FIND_SORT_CREATED:
			appendStringInfoString(sql, "i.created_at");
			break;
		case FIND_SORT_UPDATED:
			appendStringInfoString(sql, "i.updated_at");
			break;
		case FIND_SORT_STARTED:
			appendStringInfoString(sql, "COALESCE(i.started_at, '-infinity'::pg_catalog.timestamptz)");
			break;
		case FIND_SORT_ENDED:
			appendStringInfoString(sql, "COALESCE(i.ended_at, '-infinity'::pg_catalog.timestamptz)");
			break;
		case FIND_SORT_FLAT:
			appendStringInfoString(sql, "COALESCE(podrec.flat_get(i.doc, ");
			append_literal(call, PointerGetDatum(req->sort_key), TEXTOID, "pg_catalog.text");
			appendStringInfoString(sql, "), 'null'::pg_catalog.jsonb)");
			break;
	}
}

/*
 * Append the branch of request reqno (1-based) to a shard's statement: the
 * find of podrec.find's query (find.c, find_query_text) with its values
 * written in, the account condition added, and the item's rank.
 */
static void
append_branch(ShardCall *call, const FindRequest *req, int reqno, const char *account,
			  bool tenant, const char *inner, const char *outer)
{
	StringInfo	sql = &call->sql;
	const char *dir = req->desc ? "DESC" : "ASC";
	const char *cmp = req->desc ? "OPERATOR(pg_catalog.<)" : "OPERATOR(pg_catalog.>)";

	if (call->nbranches++ > 0)
		appendStringInfoString(sql, "\nUNION ALL\n");
	appendStringInfo(sql, "(SELECT %d, pg_catalog.row_number() OVER ()::pg_catalog.int4, %s FROM (SELECT %s "
					 "FROM podrec.items AS i WHERE i.flow_id OPERATOR(pg_catalog.=) ",
					 reqno, outer, inner);
	append_literal(call, PointerGetDatum(req->flow_id), TEXTOID, "pg_catalog.text");
	if (tenant)
	{
		appendStringInfoString(sql, " AND i.account_id OPERATOR(pg_catalog.=) ");
		if (account != NULL)
			append_param(call, account, "pg_catalog.text");
		else
			appendStringInfoString(sql, "NULL::pg_catalog.text");
	}
	appendStringInfoString(sql, " AND i.status OPERATOR(pg_catalog.=) ANY (");
	append_literal(call, req->statuses, TEXTARRAYOID, "pg_catalog.text[]");
	appendStringInfoChar(sql, ')');
	if (req->start != DT_NOBEGIN || req->end != DT_NOEND)
	{
		appendStringInfoString(sql, " AND i.created_at OPERATOR(pg_catalog.>=) ");
		append_time(call, req->start);
		appendStringInfoString(sql, " AND i.created_at OPERATOR(pg_catalog.<) ");
		append_time(call, req->end);
	}
	if (req->filter != NULL)
	{
		appendStringInfoString(sql, " AND podrec.matches(i.doc, ");
		append_literal(call, JsonbPGetDatum(req->filter), JSONBOID, "pg_catalog.jsonb");
		appendStringInfoChar(sql, ')');
	}
	if (req->has_after)
	{
		appendStringInfoString(sql, " AND ROW(");
		if (req->sort != FIND_SORT_CREATED)
		{
			append_sort_expr(call, req);
			appendStringInfoString(sql, ", ");
		}
		appendStringInfo(sql, "i.created_at, i.id) %s ROW(", cmp);
		if (req->sort == FIND_SORT_FLAT)
		{
			append_literal(call, req->after_value, JSONBOID, "pg_catalog.jsonb");
			appendStringInfoString(sql, ", ");
		}
		else if (req->sort != FIND_SORT_CREATED)
		{
			append_time(call, DatumGetTimestampTz(req->after_value));
			appendStringInfoString(sql, ", ");
		}
		append_time(call, req->after_created);
		appendStringInfoString(sql, ", ");
		append_param(call, psprintf(INT64_FORMAT, req->after_id), "pg_catalog.int8");
		appendStringInfoChar(sql, ')');
	}
	appendStringInfoString(sql, " ORDER BY ");
	if (req->sort != FIND_SORT_CREATED)
	{
		append_sort_expr(call, req);
		appendStringInfo(sql, " %s, ", dir);
	}
	appendStringInfo(sql, "i.created_at %s, i.id %s LIMIT " INT64_FORMAT " OFFSET " INT64_FORMAT ") AS q)",
					 dir, dir, req->limit, req->skip);
}

/*
 * The columns of podrec.items a branch returns: every live column, in
 * order, from the inner query (i.) or, with images, from the outer one
 * (q.), where a jsonb column is sent as its image (podrec.jsonb_image).
 */
static char *
item_columns(TupleDesc itemdesc, bool outer)
{
	StringInfoData cols;

	initStringInfo(&cols);
	for (int i = 0; i < itemdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(itemdesc, i);
		const char *name = quote_identifier(NameStr(att->attname));

		if (att->attisdropped)
			continue;
		if (cols.len > 0)
			appendStringInfoString(&cols, ", ");
		if (!outer)
			appendStringInfo(&cols, "i.%s", name);
		else if (att->atttypid == JSONBOID)
			appendStringInfo(&cols, "podrec.jsonb_image(q.%s)", name);
		else
			appendStringInfo(&cols, "q.%s", name);
	}
	return cols.data;
}

/* Order of rows: by request, then by rank. */
static int
row_cmp(const void *a, const void *b)
{
	const ShardRow *x = (const ShardRow *) a;
	const ShardRow *y = (const ShardRow *) b;

	if (x->req != y->req)
		return x->req < y->req ? -1 : 1;
	if (x->ord != y->ord)
		return x->ord < y->ord ? -1 : 1;
	return 0;
}

/* A binary int4 of a result. */
static int32
result_int4(PGresult *res, int row, int col)
{
	uint32		v;

	if (PQgetisnull(res, row, col) || PQgetlength(res, row, col) != (int) sizeof(v))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("a shard answered an mget with a malformed row")));
	memcpy(&v, PQgetvalue(res, row, col), sizeof(v));
	return (int32) pg_ntoh32(v);
}

/*
 * A jsonb value from its image (podrec.jsonb_image): the byte-order mark
 * must be this server's, the rest is the value's stored form.
 */
static Datum
jsonb_from_image(const char *image, int len)
{
	Jsonb	   *jb;

	if (len < 1 + (int) sizeof(uint32) || image[0] != JSONB_IMAGE_MARK)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("a shard sent a document this server cannot read"),
				 errdetail("Its image is %s.", len < 1 + (int) sizeof(uint32)
						   ? "too short" : "of another byte order"),
				 errhint("Every shard needs the podrec build and the CPU architecture of the coordinator.")));
	jb = palloc(VARHDRSZ + len - 1);
	SET_VARSIZE(jb, VARHDRSZ + len - 1);
	memcpy(VARDATA(jb), image + 1, len - 1);
	return JsonbPGetDatum(jb);
}

/*
 * Read a shard's answer into rows (growing *rows, *nrows, *cap): each row
 * its request number, rank and the columns of an item, in binary.
 */
static void
read_answer(ShardCall *call, TupleDesc itemdesc, ShardRow **rows, int *nrows, int *cap)
{
	PGresult   *volatile res = NULL;
	int			natts = itemdesc->natts;
	FmgrInfo   *recv = palloc(sizeof(FmgrInfo) * natts);
	Oid		   *ioparams = palloc(sizeof(Oid) * natts);
	Datum	   *values = palloc(sizeof(Datum) * natts);
	bool	   *nulls = palloc(sizeof(bool) * natts);
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(itemdesc, i);
		Oid			fn;

		if (att->attisdropped || att->atttypid == JSONBOID || att->atttypid == TEXTOID)
			continue;
		getTypeBinaryInputInfo(att->atttypid, &fn, &ioparams[i]);
		fmgr_info(fn, &recv[i]);
	}

	PG_TRY();
	{
		int			ntuples;

		res = shard_result(call->conn, call->servername);
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			shard_error(res, call->conn, call->servername, call->sql.data);
		ntuples = PQntuples(res);
		for (int t = 0; t < ntuples; t++)
		{
			int			col = 2;
			CHECK_FOR_INTERRUPTS();
			for (int i = 0; i < natts; i++)
			{
				Form_pg_attribute att = TupleDescAttr(itemdesc, i);

				values[i] = (Datum) 0;
				nulls[i] = att->attisdropped || PQgetisnull(res, t, col);
				if (att->attisdropped)
					continue;
				if (nulls[i])
					;
				else if (att->atttypid == JSONBOID)
					values[i] = jsonb_from_image(PQgetvalue(res, t, col), PQgetlength(res, t, col));
				else if (att->atttypid == TEXTOID)
				{
					/* in this database's encoding (the shard's too): kept as it is */
					const char *v = PQgetvalue(res, t, col);
					int			len = PQgetlength(res, t, col);

					(void) pg_verify_mbstr(GetDatabaseEncoding(), v, len, false);
					values[i] = PointerGetDatum(cstring_to_text_with_len(v, len));
				}
				else
				{
					resetStringInfo(&buf);
					appendBinaryStringInfo(&buf, PQgetvalue(res, t, col), PQgetlength(res, t, col));
					values[i] = ReceiveFunctionCall(&recv[i], &buf, ioparams[i], att->atttypmod);
					if (buf.cursor != buf.len)
						ereport(ERROR,
								(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
								 errmsg("a shard answered an mget with a malformed value of column \"%s\"",
										NameStr(att->attname))));
				}
				col++;
			}
			if (*nrows == *cap)
			{
				*cap *= 2;
				*rows = repalloc_huge(*rows, sizeof(ShardRow) * *cap);
			}
			(*rows)[*nrows].req = result_int4(res, t, 0);
			(*rows)[*nrows].ord = result_int4(res, t, 1);
			(*rows)[*nrows].item = heap_form_tuple(itemdesc, values, nulls);
			(*nrows)++;
		}
	}
	PG_FINALLY();
	{
		if (res != NULL)
			PQclear(res);
	}
	PG_END_TRY();
}

/*
 * podrec.jsonb_image(value): the stored form of a jsonb value as bytea,
 * after a byte-order mark.  A coordinator's mget reads the documents of
 * its shards so, in binary, rather than as JSON text that the shard would
 * print and the coordinator parse again (most of the cost of moving an
 * item).
 */
Datum
podrec_jsonb_image(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	Size		len = VARSIZE(jb) - VARHDRSZ;
	bytea	   *image = palloc(VARHDRSZ + 1 + len);

	SET_VARSIZE(image, VARHDRSZ + 1 + len);
	VARDATA(image)[0] = JSONB_IMAGE_MARK;
	memcpy(VARDATA(image) + 1, VARDATA(jb), len);
	PG_RETURN_BYTEA_P(image);
}

/*
 * The foreign server of each request's flow: the partition of
 * podrec.items its flow_id hashes to, as PostgreSQL routes a row (the
 * partition key's hash function, the greatest modulus of the bounds), from
 * the relation cache, which invalidation keeps current.  InvalidOid when
 * no partition, or one that is not a foreign table, holds the flow.
 */
static void
shard_servers(const FindRequest *reqs, int n, Oid *servers)
{
	Oid			relid = RangeVarGetRelid(makeRangeVar("podrec", "items", -1), AccessShareLock, false);
	Relation	rel = table_open(relid, NoLock);
	PartitionKey key = RelationGetPartitionKey(rel);
	PartitionDesc pd = RelationGetPartitionDesc(rel, true);

	if (key == NULL || key->strategy != PARTITION_STRATEGY_HASH || key->partnatts != 1 ||
		pd->boundinfo == NULL)
	{
		table_close(rel, NoLock);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("podrec.items is not hash-partitioned by flow_id"),
				 errhint("podrec.shard_setup makes a coordinator's podrec.items.")));
	}
	for (int i = 0; i < n; i++)
	{
		Datum		value = PointerGetDatum(reqs[i].flow_id);
		bool		isnull = false;
		uint64		hash = compute_partition_hash_value(1, key->partsupfunc, key->partcollation,
														&value, &isnull);
		int			idx = pd->boundinfo->indexes[hash % (uint64) pd->boundinfo->nindexes];

		servers[i] = InvalidOid;
		if (idx >= 0 && get_rel_relkind(pd->oids[idx]) == RELKIND_FOREIGN_TABLE)
			servers[i] = GetForeignTable(pd->oids[idx])->serverid;
	}
	table_close(rel, NoLock);
}

/*
 * The items of n checked finds, from the shards: into *rows (*nrows of
 * them), sorted by request and rank.  Raises the error of a single node for
 * the first request whose flow the caller does not see.
 */
static void
shard_answer(FindRequest *reqs, int n, TupleDesc itemdesc, ShardRow **rowsp, int *nrowsp)
{
	Oid		   *servers;
	bool		tenant;
	char	   *account = NULL;
	ShardCall  *calls;
	int			ncalls = 0;
	ShardRow   *rows;
	int			nrows = 0;
	int			cap = 64;
	char	   *inner;
	char	   *outer;
	Datum		flows;
	Datum	   *ids;
	Oid			argtype = TEXTARRAYOID;
	bool		isnull;
	int			rc;
	MemoryContext cxt = CurrentMemoryContext;

	*rowsp = NULL;
	*nrowsp = 0;
	if (n == 0)
		return;

	/* 1. the caller's flows, its account, the server of each flow */
	ids = palloc(sizeof(Datum) * n);
	for (int i = 0; i < n; i++)
		ids[i] = PointerGetDatum(reqs[i].flow_id);
	flows = PointerGetDatum(construct_array(ids, n, TEXTOID, -1, false, TYPALIGN_INT));
	servers = palloc0(sizeof(Oid) * n);

	SPI_connect();
	if (route_plan == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare(
									   "SELECT r.n::pg_catalog.int4, f.id IS NOT NULL,"
									   " (SELECT podrec.is_admin()), (SELECT podrec.current_account())"
									   " FROM pg_catalog.unnest($1) WITH ORDINALITY AS r (flow, n)"
									   " LEFT JOIN podrec.flows AS f ON f.id OPERATOR(pg_catalog.=) r.flow"
									   " ORDER BY 1",
									   1, &argtype);

		if (plan == NULL || SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_prepare failed for the shards of an mget: %s", SPI_result_code_string(SPI_result));
		route_plan = plan;
	}
	rc = SPI_execute_plan(route_plan, &flows, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_plan failed for the shards of an mget: %s", SPI_result_code_string(rc));
	tenant = !DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull));
	{
		Datum		a = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4, &isnull);

		if (!isnull)
			account = MemoryContextStrdup(cxt, TextDatumGetCString(a));
	}
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	row = SPI_tuptable->vals[r];
		int			i = DatumGetInt32(SPI_getbinval(row, SPI_tuptable->tupdesc, 1, &isnull)) - 1;
		bool		seen = DatumGetBool(SPI_getbinval(row, SPI_tuptable->tupdesc, 2, &isnull));

		if (!seen)
		{
			/* the first request in order, as podrec.mget reports it */
			char	   *id = text_to_cstring(reqs[i].flow_id);
			int			len = strlen(id);
			int			cut = pg_mbcharcliplen(id, len, 40);

			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("%sflow \"%.*s%s\" does not exist", reqs[i].prefix, cut, id,
							cut < len ? "..." : "")));
		}
	}
	SPI_finish();
	shard_servers(reqs, n, servers);

	/* 2. one statement per shard, sent to every shard before any is read */
	inner = item_columns(itemdesc, false);
	outer = item_columns(itemdesc, true);
	calls = palloc0(sizeof(ShardCall) * n);
	for (int i = 0; i < n; i++)
	{
		ShardCall  *call = NULL;

		if (!OidIsValid(servers[i]) || reqs[i].limit == 0)
			continue;			/* no partition holds it, or nothing asked */
		for (int c = 0; c < ncalls; c++)
			if (calls[c].server == servers[i])
				call = &calls[c];
		if (call == NULL)
		{
			call = &calls[ncalls++];
			call->server = servers[i];
			initStringInfo(&call->sql);
			/* no ORDER BY: the rows are sorted here, by request and rank */
			appendStringInfoString(&call->sql, "SELECT * FROM (\n");
		}
		append_branch(call, &reqs[i], i + 1, account, tenant, inner, outer);
	}
	/*
	 * A statement on each shard, then the answers; on an error every
	 * connection still busy is closed (which ends its statement on the shard).
	 */
	rows = palloc(sizeof(ShardRow) * cap);
	PG_TRY();
	{
		for (int c = 0; c < ncalls; c++)
		{
			ShardCall  *call = &calls[c];

			appendStringInfoString(&call->sql, "\n) AS a");
			call->servername = GetForeignServer(call->server)->servername;
			call->conn = shard_connection(call->server);
			if (!shard_send(call))
			{
				/* a kept connection that broke since: once more, anew */
				shard_disconnect(shard_conn_of(call->conn));
				call->conn = shard_connection(call->server);
				if (!shard_send(call))
					shard_error(NULL, call->conn, call->servername, call->sql.data);
			}
		}
		shard_wait_all(calls, ncalls);
		for (int c = 0; c < ncalls; c++)
			read_answer(&calls[c], itemdesc, &rows, &nrows, &cap);
	}
	PG_CATCH();
	{
		for (int c = 0; c < ncalls; c++)
		{
			ShardConn  *sc = calls[c].conn != NULL ? shard_conn_of(calls[c].conn) : NULL;

			if (sc != NULL && (PQstatus(sc->conn) != CONNECTION_OK ||
							   PQtransactionStatus(sc->conn) != PQTRANS_IDLE))
				shard_disconnect(sc);
		}
		PG_RE_THROW();
	}
	PG_END_TRY();
	qsort(rows, nrows, sizeof(ShardRow), row_cmp);
	*rowsp = rows;
	*nrowsp = nrows;
}

extern Datum podrec_mget(PG_FUNCTION_ARGS);
extern Datum podrec_find(PG_FUNCTION_ARGS);

/*
 * Can this read go over podrec's own autocommit connections?  Only when it
 * could not tell the difference: the transaction has written nothing yet
 * (its writes went to the shards over postgres_fdw's remote transactions,
 * which another connection cannot see) and takes a new snapshot for every
 * statement (READ COMMITTED).  Otherwise the read goes through the
 * partitioned table, over postgres_fdw, as on a single node.
 */
static bool
shard_direct_read_ok(void)
{
	return GetCurrentCommandId(false) == FirstCommandId &&
		!IsolationUsesXactSnapshot();
}

/*
 * podrec.mget(requests) on a coordinator: podrec.mget's answer, one
 * statement per shard.  Materialized as podrec.mget is: every request is
 * checked, and every shard has answered, before the first row is returned.
 */
Datum
podrec_shard_mget(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo;
	TupleDesc	itemdesc;
	FindRequest *reqs;
	int			n;
	ShardRow   *rows;
	int			nrows;

	if (!shard_direct_read_ok())
		return podrec_mget(fcinfo);
	reqs = mget_parse_body(PG_ARGISNULL(0) ? NULL : PG_GETARG_JSONB_P(0), &n);
	InitMaterializedSRF(fcinfo, 0);
	rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	itemdesc = lookup_rowtype_tupdesc_copy(TupleDescAttr(rsinfo->setDesc, 2)->atttypid, -1);
	shard_answer(reqs, n, itemdesc, &rows, &nrows);
	for (int r = 0; r < nrows; r++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = PointerGetDatum(reqs[rows[r].req - 1].flow_id);
		values[1] = Int32GetDatum(rows[r].ord);
		values[2] = heap_copy_tuple_as_datum(rows[r].item, itemdesc);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * podrec.find(flow_id, params) on a coordinator: podrec.find's answer, one
 * statement to the flow's shard that carries the LIMIT (rather than a
 * cursor over the partitioned table and a batch of fetch_size rows).
 */
Datum
podrec_shard_find(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo;
	FindRequest req;
	ShardRow   *rows;
	int			nrows;

	if (!shard_direct_read_ok())
		return podrec_find(fcinfo);
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("flow_id must not be null")));
	find_parse_params(PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1), FIND_MODE_FIND, "", &req);
	req.flow_id = PG_GETARG_TEXT_PP(0);
	InitMaterializedSRF(fcinfo, 0);
	rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	shard_answer(&req, 1, rsinfo->setDesc, &rows, &nrows);
	for (int r = 0; r < nrows; r++)
		tuplestore_puttuple(rsinfo->setResult, rows[r].item);
	return (Datum) 0;
}
