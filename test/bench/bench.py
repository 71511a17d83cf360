#!/usr/bin/python3
"""podrec benchmarks.

    bench.py [SUITE ...]        run suites (default: all of them), in one run
    bench.py --report           rewrite results/latest.md and the plot from latest.json

Suites (SUITES below): "flatten" times records_flatten and its baselines on
tables of seed-shaped items; "memory" measures the backend's peak memory while
flattening large tables in one query; "records" creates typed records with
records_create in batches and times records_list pages against hand-written
SQL that uses the same indexes; "filters" times podrec.matches on a
GIN-indexed table (a selective equality's first page against flattening every
row, an unindexable icontains against the same test in jsonpath); "record_create" times the
typed create of seed 004 (podrec.record_create) in batches, for the seed's own
record type and for request logs under their real names; "shard" loads
the same items on one node and on a postgres_fdw coordinator with 1, 2, ...
shards (clusters of its own on the next ports) and times per-flow pages of
several flows (an mget) and a flatten-heavy export on both; "find" times
podrec.mget of 10 flows x 20 items against ten podrec.find calls from the
client, pages deep into a flow (after cursor, skip) against the first, and a
tenant's page of a selective filter against the superuser's; "load" runs the pgbench
scripts of test/bench/load, each a request to a podrec_api endpoint as PostgREST makes it, with 1, 2
and 4 clients (requests a minute, p50 and p99 latency).  Each suite starts from a fresh
throwaway cluster, generates its data in the server (test/bench/sql) and
merges its results into results/latest.json, from which results/latest.md and
results/latest.png are written.

Settings come from the environment (defaults in brackets):
    PG_CONFIG            the PostgreSQL to use [pg_config]
    PODREC_BENCH_PORT    port of the throwaway cluster [55710]
    BENCH_DIR            directory of the cluster [/tmp/podrec-bench-PORT]
    BENCH_SIZES          table sizes of the flatten and filters suites [10000 100000 1000000]
    BENCH_MEMORY_SIZES   table sizes for the memory suite [100000 1000000]
    BENCH_MGET_ITEMS     items in 100 flows for the memory suite's mget [100000]
    BENCH_LOAD_ITEMS     items of the load suite, in 50 flows [200000]
    BENCH_LOAD_RECORDS   records of one record type in the load suite [200000]
    BENCH_LOAD_TYPED     seed-004 records of the load suite [20000]
    BENCH_LOAD_CLIENTS   pgbench clients of the load suite [1 2 4]
    BENCH_LOAD_SECONDS   seconds of each pgbench run [5]
    BENCH_LOAD_SCRIPTS   only these scripts of test/bench/load [all]
    BENCH_RECORDS        records of the records suite [1000000]
    BENCH_RECORDS_BATCH  records per records_create and record_create call [10000]
    BENCH_CREATE_RECORDS records of each record type in the record_create suite [200000]
    BENCH_REPEAT         runs of each timing; the best is kept [3]
    BENCH_SAMPLE         rows the slow baselines run on, scaled up [10000]
    BENCH_CLIENT_ROWS    most rows the Python client fetches, scaled up [100000]
    BENCH_FIND_ITEMS     items of the find suite [1000000]
    BENCH_FIND_BIG       of which in one flow, flow-big [200000]
    BENCH_FIND_DEEP      depth of the deep pages [100000]
    BENCH_OPS            only these timed operations (and what they need) [all]
    BENCH_SHARD_ITEMS    items of the shard suite [200000]
    BENCH_SHARDS         shard counts of the shard suite [1 2]
    BENCH_INSTALL        1: build and install podrec into PG_CONFIG first [1]
    BENCH_KEEP           1: leave the cluster running at the end [0]
    BENCH_RESULTS        where results go [test/bench/results]

Adding a benchmark: add an Op to OPS (its SQL runs on a table of items called
{table}; a client op is a Python function), a Target to TARGETS if it has a
goal, and it appears in the table, the targets and the plot.
"""

import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Callable, Optional

try:
    import psycopg2
except ImportError:
    sys.exit("bench.py: needs psycopg2 (Debian: apt-get install python3-psycopg2, "
             "and run it with /usr/bin/python3)")

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
RESULTS = os.environ.get("BENCH_RESULTS", os.path.join(HERE, "results"))


def env_int_list(name, default):
    return [int(x) for x in os.environ.get(name, default).replace(",", " ").split()]


PG_CONFIG = os.environ.get("PG_CONFIG", "pg_config")
PORT = int(os.environ.get("PODREC_BENCH_PORT", "55710"))
CLUSTER = os.environ.get("BENCH_DIR", f"/tmp/podrec-bench-{PORT}")
SIZES = env_int_list("BENCH_SIZES", "10000 100000 1000000")
FILTER_SIZES = SIZES
MEMORY_SIZES = env_int_list("BENCH_MEMORY_SIZES", "100000 1000000")
RECORDS = int(os.environ.get("BENCH_RECORDS", "1000000"))
RECORDS_BATCH = int(os.environ.get("BENCH_RECORDS_BATCH", "10000"))
CREATE_RECORDS = int(os.environ.get("BENCH_CREATE_RECORDS", "200000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
SAMPLE = int(os.environ.get("BENCH_SAMPLE", "10000"))
CLIENT_ROWS = int(os.environ.get("BENCH_CLIENT_ROWS", "100000"))
ONLY_OPS = os.environ.get("BENCH_OPS", "").split()
INSTALL = os.environ.get("BENCH_INSTALL", "1") == "1"
KEEP = os.environ.get("BENCH_KEEP", "0") == "1"
SHARD_ITEMS = int(os.environ.get("BENCH_SHARD_ITEMS", "200000"))
SHARD_COUNTS = env_int_list("BENCH_SHARDS", "1 2")


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# The throwaway cluster
# ---------------------------------------------------------------------------

class Cluster:
    """A cluster owned by postgres (when run as root) or by the caller."""

    SETTINGS = {
        "shared_buffers": "256MB",
        "work_mem": "4MB",
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "autovacuum": "off",
        "jit": "off",
        "max_parallel_workers_per_gather": "0",
        "max_wal_size": "4GB",
    }

    def __init__(self, directory, port):
        self.dir = directory
        self.data = os.path.join(directory, "data")
        self.port = port
        self.bindir = run([PG_CONFIG, "--bindir"]).strip()
        self.as_postgres = os.geteuid() == 0

    def _cmd(self, args):
        if self.as_postgres:
            return ["runuser", "-u", "postgres", "--"] + args
        return args

    def create(self):
        self.destroy()
        os.makedirs(self.dir)
        if self.as_postgres:
            shutil.chown(self.dir, "postgres")
        run(self._cmd([os.path.join(self.bindir, "initdb"), "-D", self.data, "-U", "postgres",
                       "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"]))
        with open(os.path.join(self.data, "postgresql.conf"), "a") as conf:
            conf.write(f"port = {self.port}\nlisten_addresses = ''\n"
                       f"unix_socket_directories = '{self.dir}'\n")
            for k, v in self.SETTINGS.items():
                conf.write(f"{k} = {v}\n")
        run(self._cmd([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-l",
                       os.path.join(self.dir, "server.log"), "-w", "start"]))

    def destroy(self):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            subprocess.run(self._cmd([os.path.join(self.bindir, "pg_ctl"), "-D", self.data,
                                      "-m", "fast", "-w", "stop"]), stdout=subprocess.DEVNULL)
        if os.path.exists(self.dir):
            shutil.rmtree(self.dir)

    def stop(self):
        subprocess.run(self._cmd([os.path.join(self.bindir, "pg_ctl"), "-D", self.data,
                                  "-m", "fast", "-w", "stop"]), stdout=subprocess.DEVNULL)

    def connect(self):
        conn = psycopg2.connect(host=self.dir, port=self.port, user="postgres", dbname="postgres")
        conn.autocommit = True
        return conn


def run(args, **kw):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE, text=True, **kw).stdout


def sql_one(conn, query, args=None):
    with conn.cursor() as cur:
        cur.execute(query, args)
        return cur.fetchone()[0]


def sql_file(conn, path):
    with open(path) as f, conn.cursor() as cur:
        cur.execute(f.read())


def install_podrec():
    log(f"building and installing podrec into {run([PG_CONFIG, '--pkglibdir']).strip()}")
    try:
        run(["make", "-C", TOP, "-s", "-j2", f"PG_CONFIG={PG_CONFIG}"])
        run(["make", "-C", TOP, "-s", "install", f"PG_CONFIG={PG_CONFIG}"])
    except subprocess.CalledProcessError:
        sys.exit("bench: could not build and install podrec (run as root, or install it "
                 "yourself and set BENCH_INSTALL=0)")


# ---------------------------------------------------------------------------
# Data: tables of seed-shaped items, generated in the server
# ---------------------------------------------------------------------------

class Data:
    """Tables bench.items_N (items 1..N) and bench.sample (items 1..SAMPLE).
    With plant, each table of N items has the seed's barcode in PLANTED of
    them, spread evenly (item k * N / PLANTED - N / (2 * PLANTED) + 1 for k
    in 1..PLANTED), and in no other: the first page of that filter returns
    20 rows at every size, from heap pages spread over the whole table, and
    a sequential scan finds its 20th match at the same fraction of it."""

    def __init__(self, conn, plant=False):
        self.conn = conn
        self.tables = {}
        self.plant = plant

    def prepare(self, sizes):
        sizes = sorted(set(sizes))
        biggest = sizes[-1]
        log(f"generating {biggest:,} items")
        t0 = time.perf_counter()
        self._make(f"items_{biggest}", self._planted(
            f"SELECT g, bench.item(g) FROM generate_series(1, {biggest}) AS g", biggest))
        log(f"generated in {time.perf_counter() - t0:.1f} s")
        for n in sizes[:-1]:
            self._make(f"items_{n}", self._planted(f"SELECT * FROM bench.items_{biggest} WHERE id <= {n}", n))
        self._make("sample", f"SELECT * FROM bench.items_{biggest} WHERE id <= {min(SAMPLE, biggest)}")

    def _planted(self, select, n):
        """select (id, doc), with the seed's barcode planted for a table of n items
        (and items planted for another size generated anew)."""
        if not self.plant:
            return select
        step = n / PLANTED
        return (f"SELECT s.id, CASE WHEN s.id IN (SELECT floor(k * {step} - {step / 2})::bigint + 1 "
                f"FROM generate_series(1, {PLANTED}) AS k) "
                f"THEN jsonb_set(bench.item(s.id), '{{barcode_scanning,0,code}}', {q(json.dumps(FILTER_CODE))}) "
                f"WHEN s.doc #>> '{{barcode_scanning,0,code}}' = {q(FILTER_CODE)} THEN bench.item(s.id) "
                f"ELSE s.doc END FROM ({select}) AS s (id, doc)")

    def _make(self, name, select):
        with self.conn.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS bench.{name}")
            cur.execute(f"CREATE TABLE bench.{name} (id bigint, doc jsonb NOT NULL)")
            cur.execute(f"INSERT INTO bench.{name} {select}")
            cur.execute(f"VACUUM (FREEZE, ANALYZE) bench.{name}")
        self.tables[name] = sql_one(self.conn, f"SELECT count(*) FROM bench.{name}")

    def describe(self, n):
        with self.conn.cursor() as cur:
            cur.execute(f"""
                SELECT avg(length(doc::text)), avg(pg_column_size(doc)),
                       avg((SELECT count(*) FROM jsonb_object_keys(podrec.records_flatten(doc)))),
                       count(DISTINCT doc ->> 'flow_id'),
                       pg_total_relation_size('bench.items_{n}')
                FROM bench.items_{n} WHERE id <= 10000""")
            text_bytes, stored_bytes, leaves, flows, table_bytes = cur.fetchone()
        return {"rows": n, "json_bytes": float(text_bytes), "stored_bytes": float(stored_bytes),
                "leaves": float(leaves), "flows": flows, "table_bytes": table_bytes}


# ---------------------------------------------------------------------------
# The Python client baseline: the flattening rules in Python
# ---------------------------------------------------------------------------

POSITION = re.compile(r"[1-9][0-9]{0,8}\Z")


def flatten_py(item, sep=".", step_key="flow_step_id"):
    """records_flatten in Python (README, "Flattening")."""
    out = {}

    def esc(s):
        return s.replace("\\", "\\\\").replace(sep, "\\" + sep)

    def walk(v, k):
        if isinstance(v, dict) and v:
            for ck, cv in v.items():
                walk(cv, k + sep + esc(ck))
        elif isinstance(v, list) and v:
            for i, cv in enumerate(v, 1):
                walk(cv, k + sep + str(i))
        else:
            out[k] = v

    for k, v in item.items():
        ek = esc(k)
        if isinstance(v, list) and v:
            seen = set()
            for i, e in enumerate(v, 1):
                sid = e.get(step_key) if isinstance(e, dict) else None
                if isinstance(sid, str) and not POSITION.match(sid) and sid not in seen:
                    seen.add(sid)
                    prefix = ek + sep + esc(sid)
                    if len(e) == 1:
                        out[prefix] = {}
                    for bk, bv in e.items():
                        if bk != step_key:
                            walk(bv, prefix + sep + esc(bk))
                else:
                    walk(e, ek + sep + str(i))
        else:
            walk(v, ek)
    return out


def client_fetch(conn, query, work):
    """Fetch every row of query (jsonb parsed by psycopg2) and hand it to work."""
    conn.autocommit = False         # a server-side cursor lives in a transaction
    try:
        with conn.cursor(name="bench") as cur:
            cur.itersize = 5000
            cur.execute(query)
            for (doc,) in cur:
                work(doc)
        conn.commit()
    finally:
        conn.autocommit = True


def client_python(conn, table, rows):
    client_fetch(conn, f"SELECT doc FROM {table} WHERE id <= {rows}", flatten_py)


def client_fetch_only(conn, table, rows):
    client_fetch(conn, f"SELECT doc FROM {table} WHERE id <= {rows}", lambda doc: None)


def client_fetch_flat(conn, table, rows):
    client_fetch(conn, f"SELECT podrec.records_flatten(doc) FROM {table} WHERE id <= {rows}",
                 lambda doc: None)


# ---------------------------------------------------------------------------
# Timed operations, their baselines and targets
# ---------------------------------------------------------------------------

@dataclass
class Op:
    name: str
    label: str                      # what the table shows
    sql: Optional[str] = None       # runs on {table}
    client: Optional[Callable] = None   # client(conn, table, rows)
    rows: str = "all"               # "all", "sample" (slow baselines) or "client"
    bare: Optional[str] = "scan"    # the op whose time is the floor of this one
    note: str = ""
    short: str = ""                 # its name in the plot


OPS = [
    Op("scan", "bare scan: `count(doc)`", "SELECT count(doc) FROM {table}", bare=None,
       note="reads every row, touches no document"),
    Op("strip_nulls", "`jsonb_strip_nulls(doc)`", "SELECT count(jsonb_strip_nulls(doc)) FROM {table}",
       short="jsonb_strip_nulls", note="walks and rebuilds every document: the floor of any flattening"),
    Op("flatten", "`podrec.records_flatten(doc)`",
       "SELECT count(podrec.records_flatten(doc)) FROM {table}", short="records_flatten"),
    Op("flatten_each", "`podrec.records_flatten_each(doc)`",
       "SELECT count(*) FROM {table}, LATERAL podrec.records_flatten_each(doc)",
       short="records_flatten_each", note="one row per leaf"),
    Op("plpgsql", "baseline: plpgsql", "SELECT count(bench.flatten_plpgsql(doc)) FROM {table}",
       rows="sample", short="plpgsql", note="`bench.flatten_plpgsql`, the rules in plpgsql"),
    Op("cte", "baseline: recursive CTE", "SELECT count(bench.flatten_cte(doc)) FROM {table}",
       rows="sample", short="recursive CTE", note="`bench.flatten_cte`, the rules as one recursive query"),
    Op("python", "baseline: Python client", client=client_python, rows="client",
       short="Python client", note="psycopg2 fetches `doc` and flattens it in Python"),
    Op("python_fetch", "Python client, fetch only", client=client_fetch_only, rows="client",
       short="client fetch only", note="what the client baseline spends before it flattens"),
    Op("flatten_fetch", "records_flatten, fetched by the client", client=client_fetch_flat,
       rows="client", short="records_flatten fetched", note="the flat records in the client, end to end"),
]
OPS_BY_NAME = {op.name: op for op in OPS}


@dataclass
class Target:
    name: str
    slower: str         # the op expected to cost more
    faster: str         # the op expected to cost less
    goal: float         # slower/faster cost at least this (or faster/slower at most 1/goal)
    text: str


TARGETS = [
    Target("records_flatten vs jsonb_strip_nulls", "strip_nulls", "flatten", 1 / 1.5,
           "records_flatten costs at most 1.5x jsonb_strip_nulls (over a bare scan)"),
    Target("plpgsql baseline vs records_flatten", "plpgsql", "flatten", 30,
           "records_flatten is at least 30x faster than the plpgsql baseline"),
    Target("Python client vs records_flatten", "python", "flatten", 10,
           "records_flatten is at least 10x faster than the Python client"),
]


def timed(fn):
    """Best and median of REPEAT runs of fn, in seconds."""
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def verify_baselines(conn):
    """The baselines must give what records_flatten gives before they are timed."""
    n = min(1000, SAMPLE)
    bad = sql_one(conn, f"""
        SELECT count(*) FROM bench.sample
        WHERE id <= {n} AND (bench.flatten_plpgsql(doc) <> podrec.records_flatten(doc)
                             OR bench.flatten_cte(doc) <> podrec.records_flatten(doc))""")
    if bad:
        sys.exit(f"bench: the SQL baselines disagree with records_flatten on {bad} items")
    with conn.cursor() as cur:
        cur.execute(f"SELECT doc, podrec.records_flatten(doc) FROM bench.sample WHERE id <= {n}")
        for doc, flat in cur:
            if flatten_py(doc) != flat:
                sys.exit(f"bench: the Python baseline disagrees with records_flatten on {doc}")
    log(f"baselines agree with records_flatten on {n} items")
    return n


def selected_ops():
    if not ONLY_OPS:
        return OPS
    names = set(ONLY_OPS)
    for name in list(names):
        op = OPS_BY_NAME.get(name)
        if op is None:
            sys.exit(f"bench: unknown operation {name} (known: {', '.join(OPS_BY_NAME)})")
        if op.bare:
            names.add(op.bare)
    return [op for op in OPS if op.name in names]


def suite_flatten(cluster):
    conn = cluster.connect()
    data = Data(conn)
    data.prepare(SIZES)
    verified = verify_baselines(conn)
    ops = selected_ops()
    result = {"sizes": [], "verified_items": verified}
    for n in sorted(SIZES):
        table = f"bench.items_{n}"
        size = {"data": data.describe(n), "ops": {}}
        sql_one(conn, f"SELECT count(doc) FROM {table}")     # warm the cache
        sample_scan = None
        for op in ops:
            if op.rows == "sample" and n > SAMPLE:
                rows, on = SAMPLE, "bench.sample"
            elif op.rows == "client" and n > CLIENT_ROWS:
                rows, on = CLIENT_ROWS, table
            else:
                rows, on = n, table
            if op.client is not None:
                best, median = timed(lambda: op.client(conn, on, rows))
            else:
                query = op.sql.format(table=on)
                best, median = timed(lambda: sql_one(conn, query))
            entry = {"rows": rows, "best": best, "median": median, "scaled": rows != n}
            if op.bare and rows != n:
                # the floor of a scaled op is a bare scan of the same rows
                if on == "bench.sample":
                    if sample_scan is None:
                        sample_scan = timed(lambda: sql_one(conn, "SELECT count(doc) FROM bench.sample"))[0]
                    entry["bare_best"] = sample_scan
                else:
                    entry["bare_best"] = size["ops"]["scan"]["best"] * rows / n
            size["ops"][op.name] = entry
            log(f"{n:,} items: {op.name}: {best:.3f} s best, {median:.3f} s median on {rows:,} rows")
        for name, entry in size["ops"].items():
            op = OPS_BY_NAME[name]
            if op.bare is None:
                continue
            bare = entry.get("bare_best", size["ops"][op.bare]["best"])
            entry["cost_per_row"] = (entry["best"] - bare) / entry["rows"]
            entry["cost"] = entry["cost_per_row"] * n
        result["sizes"].append(size)
    conn.close()
    return result


# ---------------------------------------------------------------------------
# Memory: peak resident size of the backend running one big query
# ---------------------------------------------------------------------------

MEMORY_OPS = [
    ("scan", "bare scan: `count(doc)`", "SELECT count(doc) FROM {table}"),
    ("strip_nulls", "`jsonb_strip_nulls(doc)`", "SELECT count(jsonb_strip_nulls(doc)) FROM {table}"),
    ("flatten", "`podrec.records_flatten(doc)`", "SELECT count(podrec.records_flatten(doc)) FROM {table}"),
    ("flatten_each", "`podrec.records_flatten_each(doc)`",
     "SELECT count(*) FROM {table}, LATERAL podrec.records_flatten_each(doc)"),
]
MEMORY_GROWTH_GOAL_KB = 2048


def proc_status_kb(pid, field_name):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field_name} in /proc/{pid}/status")


def suite_memory(cluster):
    conn = cluster.connect()
    data = Data(conn)
    data.prepare(MEMORY_SIZES)
    conn.close()
    result = {"sizes": []}
    for n in sorted(MEMORY_SIZES):
        table = f"bench.items_{n}"
        size = {"rows": n, "ops": {}}
        for name, _, query in MEMORY_OPS:
            c = cluster.connect()           # a fresh backend for each query
            pid = sql_one(c, "SELECT pg_backend_pid()")
            before = proc_status_kb(pid, "VmHWM")
            t0 = time.perf_counter()
            count = sql_one(c, query.format(table=table))
            seconds = time.perf_counter() - t0
            peak = proc_status_kb(pid, "VmHWM")
            c.close()
            size["ops"][name] = {"peak_kb": peak, "start_kb": before, "seconds": seconds, "count": count}
            log(f"{n:,} items: {name}: peak RSS {peak / 1024:.1f} MB ({seconds:.1f} s)")
        result["sizes"].append(size)
    result["mget"] = mget_memory(cluster)
    return result


MGET_MEMORY_ITEMS = int(os.environ.get("BENCH_MGET_ITEMS", "100000"))
MGET_MEMORY_FLOWS = 100             # the most requests an mget takes
MGET_MEMORY_LIMITS = (20, 1000)     # items per flow: the default page, the largest


def mget_memory(cluster):
    """Peak resident size of a fresh backend running one podrec.mget of 100
    flows, with pages of 20 and of 1000 items (the largest), against an idle one."""
    conn = cluster.connect()
    with conn.cursor() as cur:
        cur.execute("SELECT podrec.account_put('mem')")
        cur.execute("SELECT podrec.flow_put('m' || f, 'mem') FROM generate_series(0, %s) AS f", (MGET_MEMORY_FLOWS - 1,))
        log(f"memory: {MGET_MEMORY_ITEMS:,} items in {MGET_MEMORY_FLOWS} flows for mget")
        cur.execute("""INSERT INTO podrec.items (uid, account_id, flow_id, created_at, updated_at, doc)
            SELECT 'm' || g, 'mem', 'm' || (g %% %s), t, t, bench.item(g)
            FROM generate_series(1, %s) AS g, LATERAL (SELECT timestamptz '2025-01-01' + g * interval '1 second' AS t) AS t""",
                    (MGET_MEMORY_FLOWS, MGET_MEMORY_ITEMS))
        cur.execute("VACUUM ANALYZE podrec.items")
    conn.close()
    res = {"items": MGET_MEMORY_ITEMS, "flows": MGET_MEMORY_FLOWS, "work_mem": Cluster.SETTINGS["work_mem"], "runs": []}
    queries = [("idle", None, "SELECT 1")]
    for limit in MGET_MEMORY_LIMITS:
        body = json.dumps([{"flowId": f"m{f}", "params": {"limit": limit}} for f in range(MGET_MEMORY_FLOWS)])
        queries.append((f"limit_{limit}", limit,
                        "SELECT count(*), sum(pg_column_size((m.item).doc)) FROM podrec.mget(" + q(body) + ") AS m"))
    for name, limit, query in queries:
        c = cluster.connect()           # a fresh backend for each query
        pid = sql_one(c, "SELECT pg_backend_pid()")
        # VmHWM counts the shared buffers the backend touched too (the index scans
        # of 100 flows touch every page of their items): its private memory,
        # RssAnon, is sampled while the query runs
        anon = [proc_status_kb(pid, "RssAnon")]
        done = threading.Event()

        def sample():
            while not done.is_set():
                try:
                    anon.append(proc_status_kb(pid, "RssAnon"))
                except (OSError, RuntimeError):
                    return
                time.sleep(0.002)

        sampler = threading.Thread(target=sample)
        sampler.start()
        t0 = time.perf_counter()
        with c.cursor() as cur:
            cur.execute(query)
            row = cur.fetchone()
        seconds = time.perf_counter() - t0
        done.set()
        sampler.join()
        peak = proc_status_kb(pid, "VmHWM")
        c.close()
        entry = {"name": name, "limit": limit, "peak_kb": peak, "anon_peak_kb": max(anon), "seconds": seconds}
        if limit:
            entry["rows"], entry["doc_bytes"] = row[0], int(row[1])
        res["runs"].append(entry)
        log(f"memory: mget {name}: peak RSS {peak / 1024:.1f} MB, private (RssAnon) {max(anon) / 1024:.1f} MB "
            f"({seconds:.2f} s)")
    return res


MGET_MEMORY_GOAL_KB = 4096 + 4096   # work_mem (the tuplestore's memory before it spills) + 4 MB


def mget_memory_targets(res):
    m = res.get("mget")
    if not m:
        return []
    runs = {r["name"]: r for r in m["runs"]}
    lo, hi = runs[f"limit_{MGET_MEMORY_LIMITS[0]}"], runs[f"limit_{MGET_MEMORY_LIMITS[-1]}"]
    growth = hi["anon_peak_kb"] - lo["anon_peak_kb"]
    return [(f"an mget of {m['flows']} flows streams through a tuplestore: its peak private memory grows by at most "
             f"{MGET_MEMORY_GOAL_KB // 1024} MB (work_mem = {m['work_mem']}, + 4 MB) from {lo['rows']:,} to "
             f"{hi['rows']:,} items ({hi['doc_bytes'] / 1024 / 1024:.0f} MB of documents)",
             f"<= {MGET_MEMORY_GOAL_KB // 1024} MB", f"{growth / 1024:+.1f} MB",
             "PASS" if growth <= MGET_MEMORY_GOAL_KB else "FAIL")]


# ---------------------------------------------------------------------------
# Records: records_create in batches, records_list against hand-written SQL
# ---------------------------------------------------------------------------

RECORD_FIELDS = """[
    {"name": "Alert", "result_type": "TEXT_ENUM", "fixed_values": ["High", "Medium", "Low", "Info", "Debug"]},
    {"name": "Count", "result_type": "NUMBER", "indexed": true},
    {"name": "Code", "result_type": "TEXT"},
    {"name": "Title", "result_type": "TEXT"},
    {"name": "Due", "result_type": "TIMESTAMP"}
]"""

# The values of record g, from hashes of g (the same on every run).
RECORD_VALUES = """
CREATE FUNCTION bench.record_values(g bigint) RETURNS jsonb
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN jsonb_build_object(
    'Timestamp', to_char(timestamp '2025-01-01' + bench.rnd(g, 1, 525600) * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'Alert', (ARRAY['High', 'Medium', 'Low', 'Info', 'Debug'])[1 + bench.rnd(g, 2, 5)],
    'Count', bench.rnd(g, 3, 100),
    'Code', lpad(to_hex(bench.rnd(g, 4, 65536)), 4, '0'),
    'Title', 'title ' || bench.rnd(g, 5, 100000),
    'Due', to_char(timestamp '2025-06-01' + bench.rnd(g, 6, 8760) * interval '1 hour', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
"""

# The pages timed: records_list parameters, and the hand-written SQL that
# gives the same page and count with the same indexes.
RECORD_PAGE = """
SELECT jsonb_build_object('count', (SELECT count(*) FROM podrec.items AS i WHERE {where}),
    'record_results', COALESCE((
    SELECT jsonb_agg(jsonb_build_object(
        'Story name', CASE WHEN p.flow_id = podrec.records_api_flow('bench') THEN NULL ELSE f.name END,
        'Timestamp', to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
        'Alert', p.doc -> 'Alert', 'Count', p.doc -> 'Count', 'Code', p.doc -> 'Code', 'Title', p.doc -> 'Title',
        'Due', to_char(podrec.iso_timestamp(p.doc ->> 'Due') AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
        'updated_at', to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'case_ids', to_jsonb(p.case_ids), 'id', p.id) ORDER BY p.n)
    FROM (SELECT i.*, row_number() OVER (ORDER BY {order}) AS n FROM podrec.items AS i
          WHERE {where} ORDER BY {order} LIMIT {limit} OFFSET {offset}) AS p
    JOIN podrec.flows AS f ON f.id = p.flow_id), '[]'))
"""

RECORD_CASES = [
    # (name, label, records_list params, where, order, limit, offset, target?)
    ("filtered", "filtered (Alert = Low, Count > 50), ordered by the indexed Count, page 1 of 20",
     {"filters": [{"field_id": "Alert", "operator": "EQUAL", "value": "Low"},
                  {"field_id": "Count", "operator": "GREATER_THAN", "value": 50}],
      "order_field_id": "Count", "per_page": 20},
     "i.record_type_id = 1 AND NOT i.test_mode AND i.doc @> '{\"Alert\": \"Low\"}' AND (i.doc #> '{Count}') > '50'",
     "(i.doc #> '{Count}') DESC, i.id DESC", 20, 0, True),
    ("selective", "selective (Code = 00ff), ordered by Timestamp, page 1 of 20",
     {"filters": [{"field_id": "Code", "operator": "EQUAL", "value": "00ff"}], "per_page": 20},
     "i.record_type_id = 1 AND NOT i.test_mode AND i.doc @> '{\"Code\": \"00ff\"}'",
     "i.created_at DESC, i.id DESC", 20, 0, False),
    ("deep", "filtered (Alert = High), ordered by Timestamp, page 50 of 100",
     {"filters": [{"field_id": "Alert", "operator": "EQUAL", "value": "High"}], "per_page": 100, "page": 50},
     "i.record_type_id = 1 AND NOT i.test_mode AND i.doc @> '{\"Alert\": \"High\"}'",
     "i.created_at DESC, i.id DESC", 100, 4900, False),
]
RECORDS_LIST_GOAL = 2.0
RECORDS_CREATE_GOAL = 10000


def records_generate(conn, records):
    """Record type 1 (Bench, RECORD_FIELDS) of account bench with records
    records in 10 stories, created in batches; its field ids by name, and
    the seconds spent in records_create."""
    with conn.cursor() as cur:
        cur.execute(RECORD_VALUES)
        cur.execute("SELECT podrec.account_put('bench')")
        cur.execute("SELECT podrec.flow_put('bench-story-' || s, 'bench', 'Story ' || s) FROM generate_series(0, 9) AS s")
        cur.execute("SELECT podrec.record_type_create('Bench', %s, 'bench') ->> 'id'", (RECORD_FIELDS,))
        cur.execute("SELECT name, id FROM podrec.record_fields WHERE record_type_id = 1")
        field_ids = dict(cur.fetchall())
    log(f"creating {records:,} records in batches of {RECORDS_BATCH:,}")
    spent = 0.0
    batches = 0
    for start in range(1, records + 1, RECORDS_BATCH):
        end = min(start + RECORDS_BATCH - 1, records)
        with conn.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS pg_temp.batch")
            cur.execute(f"CREATE TEMP TABLE batch AS SELECT jsonb_agg(bench.record_values(g) ORDER BY g) AS j "
                        f"FROM generate_series({start}, {end}) AS g")
            t0 = time.perf_counter()
            cur.execute("SELECT count(*) FROM podrec.records_create(1, (SELECT j FROM batch), %s)",
                        (f"bench-story-{batches % 10}",))
            spent += time.perf_counter() - t0
        batches += 1
    return field_ids, spent


def suite_records(cluster):
    conn = cluster.connect()
    field_ids, spent = records_generate(conn, RECORDS)
    rate = RECORDS / spent
    log(f"created {RECORDS:,} records in {spent:.1f} s: {rate:,.0f} a second")
    # The floor: a plain INSERT of one batch of the same rows (copies of stored
    # records) into the same table, with the same indexes and foreign keys.
    n = min(RECORDS_BATCH, RECORDS)
    plain = []
    for _ in range(REPEAT):
        with conn.cursor() as cur:
            t0 = time.perf_counter()
            cur.execute(f"""INSERT INTO podrec.items (uid, account_id, flow_id, record_type_id, created_at, updated_at,
                                status, test_mode, doc, case_ids)
                            SELECT 'copy-' || id, account_id, flow_id, record_type_id, created_at, updated_at,
                                status, true, doc, case_ids
                            FROM podrec.items WHERE record_type_id = 1 AND id <= (SELECT min(id) FROM podrec.items) + {n - 1}""")
            plain.append(time.perf_counter() - t0)
            cur.execute("DELETE FROM podrec.items WHERE uid LIKE 'copy-%'")
    plain_rate = n / min(plain)
    log(f"plain INSERT of {n:,} of the same rows: {plain_rate:,.0f} a second")
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE podrec.items")
    result = {"records": RECORDS, "batch": RECORDS_BATCH, "create_seconds": spent, "create_rate": rate,
              "plain_rate": plain_rate,
              "table_bytes": sql_one(conn, "SELECT pg_total_relation_size('podrec.items')"), "cases": []}
    for name, label, params, where, order, limit, offset, target in RECORD_CASES:
        params = dict(params, record_type_id=1)
        params["filters"] = [dict(f, field_id=str(field_ids[f["field_id"]])) for f in params["filters"]]
        if "order_field_id" in params:
            params["order_field_id"] = field_ids[params["order_field_id"]]
        list_sql = "SELECT podrec.records_list(%s)"
        page_sql = RECORD_PAGE.format(where=where, order=order, limit=limit, offset=offset)
        with conn.cursor() as cur:
            cur.execute(list_sql, (json.dumps(params),))
            got = cur.fetchone()[0]
            cur.execute(page_sql)
            want = cur.fetchone()[0]
        if got["record_results"] != want["record_results"] or got["meta"]["count"] != want["count"]:
            sys.exit(f"bench: records_list and the hand-written SQL disagree on case {name}")
        best_list, median_list = timed(lambda: sql_one(conn, list_sql, (json.dumps(params),)))
        best_sql, median_sql = timed(lambda: sql_one(conn, page_sql))
        result["cases"].append({"name": name, "label": label, "count": want["count"], "target": target,
                                "list": best_list, "list_median": median_list,
                                "sql": best_sql, "sql_median": median_sql})
        log(f"records {name}: records_list {best_list * 1000:.1f} ms, hand-written SQL {best_sql * 1000:.1f} ms, "
            f"{want['count']:,} matching")
    conn.close()
    return result


# ---------------------------------------------------------------------------
# Filters: podrec.matches on a GIN-indexed table
# ---------------------------------------------------------------------------

# The seed's barcode, which the filters suite plants in PLANTED items of every
# table, spread evenly (Data); no generated item has it (sql/generate.sql).
FILTER_CODE = "A0155C35"
PLANTED = 25
EQUAL_FILTER = f'barcode_scanning.barcode.code == "{FILTER_CODE}"'
ICONTAINS_FILTER = '{"barcode_scanning__barcode__code": {"operator": "icontains", "value": "c35"}}'
UNIQUE_ITEM = 4242                  # in every table: items 1..n
ICONTAINS_PATH = '$."barcode_scanning"[*] ? (@."flow_step_id" == "barcode")."code" like_regex "c35" flag "i"'


def q(s):
    """A SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


@dataclass
class FilterOp:
    name: str
    label: str
    sql: str
    note: str = ""
    runs: int = 0                   # 0: REPEAT runs; the slow baseline runs once
    fast: bool = False              # an index lookup: best of more runs


FILTER_OPS = [
    FilterOp("scan", "bare scan: `count(doc)`", "SELECT count(doc) FROM {table}",
             note="reads every row, touches no document"),
    FilterOp("equal_page", "selective EQUAL, first page: `matches(doc, filter) LIMIT 20`",
             "SELECT id FROM {table} WHERE podrec.matches(doc, " + q(EQUAL_FILTER) + ") LIMIT 20",
             fast=True, note=f"`{EQUAL_FILTER}` ({PLANTED} items of every table), served by the GIN index"),
    FilterOp("unique_page", "selective EQUAL on one item's barcode, first page",
             "SELECT id FROM {table} WHERE podrec.matches(doc, 'barcode_scanning.barcode.code == \"{code}\"') LIMIT 20",
             fast=True, note=f"item {UNIQUE_ITEM}'s barcode, which every table has once: the same page at every size"),
    FilterOp("equal_page_unestimated", "the same, filter unknown when planning: `matches(doc, (SELECT filter)) LIMIT 20`",
             "SELECT id FROM {table} WHERE podrec.matches(doc, (SELECT " + q(EQUAL_FILTER) + "::text)) LIMIT 20",
             runs=1, note="PostgreSQL's default estimate (a third of the rows) makes it a sequential scan that stops at the 20th match"),
    FilterOp("equal_naive", "baseline: flatten every row, filter the flat records, `LIMIT 20`",
             "SELECT id FROM {table} WHERE podrec.records_flatten(doc) ->> "
             "'barcode_scanning.barcode.code' = " + q(FILTER_CODE) + " LIMIT 20",
             runs=1, note="run once; a sequential scan that stops at the 20th match"),
    FilterOp("icontains", "non-indexable icontains: `count(*) ... WHERE matches(doc, filter)`",
             "SELECT count(*) FROM {table} WHERE podrec.matches(doc, " + q(ICONTAINS_FILTER) + "::jsonb)",
             note="operator map `{\"barcode_scanning__barcode__code\": {\"operator\": \"icontains\", \"value\": \"c35\"}}`"),
    FilterOp("icontains_jsonpath", "baseline: hand-written `jsonb_path_match`, same path",
             "SELECT count(*) FROM {table} WHERE jsonb_path_match(doc, " + q(ICONTAINS_PATH) + ")",
             note=f"`{ICONTAINS_PATH}`"),
]

FILTER_TARGETS = [
    Target("GIN first page vs flattening every row", "equal_naive", "equal_page", 1000,
           "with a GIN index, a selective EQUAL filter returns its first 20 matches at least "
           "1000x faster than flattening every row and filtering the flat records"),
    Target("icontains vs jsonb_path_match", "icontains_jsonpath", "icontains", 1 / 1.2,
           "a non-indexable icontains filter costs at most 1.2x the hand-written "
           "jsonb_path_match with the same path (over a bare scan)"),
]


def sql_rows(conn, query):
    with conn.cursor() as cur:
        cur.execute(query)
        return cur.fetchall()


def suite_filters(cluster):
    conn = cluster.connect()
    data = Data(conn, plant=True)
    data.prepare(FILTER_SIZES)
    result = {"sizes": []}
    for n in sorted(FILTER_SIZES):
        table = f"bench.items_{n}"
        size = {"data": data.describe(n), "ops": {}}
        t0 = time.perf_counter()
        with conn.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '1GB'")
            cur.execute(f"CREATE INDEX ON {table} USING gin (doc jsonb_path_ops)")
            cur.execute("RESET maintenance_work_mem")
            cur.execute(f"ANALYZE {table}")
        size["index"] = {"build_s": time.perf_counter() - t0,
                         "bytes": sql_one(conn, f"SELECT pg_indexes_size('{table}')")}
        log(f"{n:,} items: GIN index built in {size['index']['build_s']:.1f} s, "
            f"{size['index']['bytes'] / 1024 / 1024:.0f} MB")

        # What the queries do: the plans, and that each pair agrees.
        plans = {}
        code = sql_one(conn, f"SELECT doc #>> '{{barcode_scanning,0,code}}' FROM {table} WHERE id = {UNIQUE_ITEM}")
        size["unique_code"] = code
        for op in FILTER_OPS:
            rows = sql_rows(conn, "EXPLAIN (COSTS OFF) " + op.sql.replace("{table}", table).replace("{code}", code))
            plans[op.name] = "\n".join(r[0] for r in rows)
        for name in ("equal_page", "unique_page"):
            if "Bitmap Index Scan" not in plans[name]:
                sys.exit(f"bench: the selective filter does not use the GIN index:\n{plans[name]}")
        if "Seq Scan" not in plans["equal_page_unestimated"]:
            log(f"note: the unestimated first page is not a sequential scan:\n{plans['equal_page_unestimated']}")
        if "Index" in plans["icontains"]:
            sys.exit(f"bench: the icontains filter uses an index:\n{plans['icontains']}")
        size["matches"] = sql_one(conn, f"SELECT count(*) FROM {table} WHERE podrec.matches(doc, {q(EQUAL_FILTER)})")
        if size["matches"] != PLANTED:
            sys.exit(f"bench: the seed's barcode matches {size['matches']} items, not the {PLANTED} planted")
        size["plans"] = plans
        sql_one(conn, f"SELECT count(doc) FROM {table}")     # warm the cache
        # Sequential scans start at the top, so that every first page is the same.
        with conn.cursor() as cur:
            cur.execute("SET synchronize_seqscans = off")
        answers = {}
        for op in FILTER_OPS:
            query = op.sql.replace("{table}", table).replace("{code}", code)
            runs = op.runs or (max(REPEAT, 10) if op.fast else REPEAT)
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                answers[op.name] = sql_rows(conn, query)
                times.append(time.perf_counter() - t0)
            size["ops"][op.name] = {"rows": n, "best": min(times), "median": statistics.median(times),
                                    "runs": runs}
            log(f"{n:,} items: {op.name}: {min(times):.4f} s best of {runs}")
        if not answers["equal_page"] == answers["equal_page_unestimated"] == answers["equal_naive"]:
            sys.exit("bench: the first page differs between matches() and the flattening baseline")
        if answers["icontains"] != answers["icontains_jsonpath"]:
            sys.exit(f"bench: icontains counts differ: matches() {answers['icontains']}, "
                     f"jsonb_path_match {answers['icontains_jsonpath']}")
        if len(answers["unique_page"]) != 1:
            sys.exit(f"bench: item {UNIQUE_ITEM}'s barcode matches {len(answers['unique_page'])} items")
        size["page_rows"] = len(answers["equal_page"])
        size["icontains_rows"] = answers["icontains"][0][0]
        scan = size["ops"]["scan"]["best"]
        for name, e in size["ops"].items():
            if name not in ("scan", "equal_page", "unique_page", "equal_page_unestimated", "equal_naive"):
                e["cost"] = e["best"] - scan
                e["cost_per_row"] = e["cost"] / n
        result["sizes"].append(size)
    conn.close()
    return result


def records_targets(res):
    rows = []
    for c in res["cases"]:
        if not c["target"]:
            continue
        ratio = c["list"] / c["sql"]
        rows.append((f"records_list, {c['label']}: at most {RECORDS_LIST_GOAL:g}x the hand-written SQL",
                     f"<= {RECORDS_LIST_GOAL:g}x", f"{ratio:.2f}x", "PASS" if ratio <= RECORDS_LIST_GOAL else "FAIL"))
    rows.append((f"records_create in batches of {res['batch']:,}: at least {RECORDS_CREATE_GOAL:,} records a second on one core",
                 f">= {RECORDS_CREATE_GOAL:,}/s", f"{res['create_rate']:,.0f}/s",
                 "PASS" if res["create_rate"] >= RECORDS_CREATE_GOAL else "FAIL"))
    return rows


def report_records(res, out):
    out.append("## Records\n")
    out.append(f"Run {res['date']}. {res['records']:,} records of one record type (5 fields, Count indexed) in 10 "
               f"stories, created with `podrec.records_create` in batches of {res['batch']:,} records "
               f"({res['create_seconds']:.1f} s in records_create, {res['create_rate']:,.0f} records a second, one "
               f"backend; a plain `INSERT ... SELECT` of {res['batch']:,} of the same rows into the same table, with "
               f"the same indexes and foreign keys, runs at {res.get('plain_rate', 0):,.0f} a second); table and "
               f"indexes {res['table_bytes'] / 1024 / 1024:.0f} MB. Each page is timed as "
               f"`records_list(params)` and as hand-written SQL that computes the same count and renders the same "
               f"records with the same indexes (checked equal first); best of {res['repeat']} runs.\n")
    out.append("| page | matching records | records_list (ms) | hand-written SQL (ms) | ratio |")
    out.append("| --- | ---: | ---: | ---: | ---: |")
    for c in res["cases"]:
        out.append(f"| {c['label']} | {c['count']:,} | {c['list'] * 1000:.1f} | {c['sql'] * 1000:.1f} | "
                   f"{c['list'] / c['sql']:.2f}x |")
    out.append("")
    out.append("| target | goal | measured | result |")
    out.append("| --- | --- | --- | --- |")
    for r in records_targets(res):
        out.append("| " + " | ".join(r) + " |")
    out.append("")


def filter_target_rows(size):
    ops = size["ops"]
    rows = []
    for t in FILTER_TARGETS:
        if t.goal >= 1:
            ratio = ops[t.slower]["best"] / ops[t.faster]["best"]
            rows.append((t.text, f">= {t.goal:g}x", f"{ratio:,.0f}x", "PASS" if ratio >= t.goal else "FAIL"))
        else:
            ratio = ops[t.faster]["cost"] / ops[t.slower]["cost"]
            rows.append((t.text, f"<= {1 / t.goal:g}x", f"{ratio:.2f}x",
                         "PASS" if ratio <= 1 / t.goal else "FAIL"))
    return rows


FIRST_PAGE_GROWTH_GOAL = 2.0


def filter_growth_rows(res):
    """The first page's time at the largest size against the smallest."""
    sizes = res.get("sizes", [])
    if len(sizes) < 2:
        return []
    lo, hi = sizes[0], sizes[-1]
    rows = []
    for name, what in (("unique_page", f"one item's barcode, 1 match at every size"),
                       ("equal_page", f"the seed's barcode, planted in {PLANTED} items of every table: "
                                      f"{lo['page_rows']} and {hi['page_rows']} rows")):
        r = hi["ops"][name]["best"] / lo["ops"][name]["best"]
        rows.append((f"the first page of a selective filter ({what}) grows by at most "
                     f"{FIRST_PAGE_GROWTH_GOAL:g}x from {lo['data']['rows']:,} to {hi['data']['rows']:,} items",
                     f"<= {FIRST_PAGE_GROWTH_GOAL:g}x", f"{r:.2f}x", "PASS" if r <= FIRST_PAGE_GROWTH_GOAL else "FAIL"))
    return rows


def report_filters(res, out):
    out.append("## Filters\n")
    out.append(f"Run {res['date']}. Time is the best of {res['repeat']} runs of one query (10 for the "
               f"index lookup; the slow first pages run once), measured by the client, planning "
               f"included; *cost* is that time less the time of a bare scan of the table. Each pair of "
               f"queries was checked to give the same answer.\n")
    for size in res["sizes"]:
        d = size["data"]
        n = d["rows"]
        out.append(f"### {n:,} items\n")
        out.append(f"{n:,} generated items of {d['flows']} flows ({d['json_bytes']:.0f} bytes of JSON, "
                   f"{d['leaves']:.1f} leaves per item on average; table {d['table_bytes'] / 1024 / 1024:.0f} MB) "
                   f"with `gin (doc jsonb_path_ops)` ({size['index']['bytes'] / 1024 / 1024:.0f} MB, built in "
                   f"{size['index']['build_s']:.0f} s). `{EQUAL_FILTER}` matches {size['matches']:,} items; "
                   f"the icontains filter {size['icontains_rows']:,}.\n")
        out.append("| operation | time (s) | cost over bare scan (s) | cost per item (µs) | note |")
        out.append("| --- | ---: | ---: | ---: | --- |")
        for op in FILTER_OPS:
            e = size["ops"][op.name]
            cost = fmt_s(e["cost"]) if "cost" in e else "—"
            per = fmt_us(e["cost_per_row"]) if "cost_per_row" in e else "—"
            t = f"{e['best']:.4f}" if e["best"] < 0.1 else fmt_s(e["best"])
            out.append(f"| {op.label} | {t} | {cost} | {per} | {op.note} |")
        out.append("")
        if size is res["sizes"][-1]:
            out.append("| target | goal | measured | result |")
            out.append("| --- | --- | --- | --- |")
            for r in filter_target_rows(size):
                out.append("| " + " | ".join(r) + " |")
            out.append("")
        out.append("Plan of the first page:\n")
        out.append("```\n" + size["plans"]["equal_page"] + "\n```\n")
    growth = filter_growth_rows(res)
    if growth:
        sizes = res["sizes"]
        out.append("### Cost against table size\n")
        out.append("| operation | " + " | ".join(f"{s['data']['rows']:,} items (ms)" for s in sizes) + " |")
        out.append("| --- | " + " | ".join("---:" for _ in sizes) + " |")
        for op in FILTER_OPS:
            out.append(f"| {op.label} | " + " | ".join(f"{s['ops'][op.name]['best'] * 1000:.2f}" for s in sizes) + " |")
        out.append("")
        out.append("| target | goal | measured | result |")
        out.append("| --- | --- | --- | --- |")
        for r in growth:
            out.append("| " + " | ".join(r) + " |")
        out.append("")



# ---------------------------------------------------------------------------
# Shards: one node against a postgres_fdw coordinator with N shards
# ---------------------------------------------------------------------------

SHARD_FLOWS = 50                    # bench.item: flows Flow0 .. Flow49
MGET_FLOWS = [f"Flow{f}" for f in (3, 8, 11, 17, 22, 26, 31, 38, 44, 49)]
MGET_LIMIT = 20
MGET_FILTER = '{"status": "eq.completed"}'

SHARD_LOAD = """
SELECT podrec.account_put('bench');
SELECT podrec.flow_put('Flow' || f, 'bench') FROM generate_series(0, {flows} - 1) AS f;
INSERT INTO podrec.items (uid, account_id, flow_id, created_at, updated_at, doc)
SELECT d.doc ->> '_id', 'bench', d.doc ->> 'flow_id', (d.doc ->> 'created_at')::timestamptz,
    (d.doc ->> 'updated_at')::timestamptz, d.doc
FROM generate_series(1, {n}) AS g, LATERAL (SELECT bench.item(g) AS doc) AS d;
"""

# The per-flow pages of an mget, as one statement: through podrec.items (one
# node, or a coordinator's partitioned parent) ...
MGET_PARENT = f"""
SELECT f.flow_id, p.id, p.doc
FROM unnest(%s::text[]) WITH ORDINALITY AS f (flow_id, ord)
CROSS JOIN LATERAL (SELECT i.id, i.doc FROM podrec.items AS i
    WHERE i.flow_id = f.flow_id AND i.doc @? podrec.filter_compile('{MGET_FILTER}'::jsonb)
    ORDER BY i.created_at DESC, i.id DESC LIMIT {MGET_LIMIT}) AS p
ORDER BY f.ord, p.id DESC
"""

# ... and the API: podrec.mget of the same pages, every item with its
# document fetched by the client (on a coordinator, one statement per shard).
MGET_BODY = json.dumps([{"flowId": f, "params": {"filter": json.loads(MGET_FILTER), "limit": MGET_LIMIT}}
                        for f in MGET_FLOWS])
MGET_API = "SELECT m.flow_id, (m.item).id, (m.item).doc FROM podrec.mget(%s) AS m"

# A flatten-heavy export: every item flattened, counted per flow.  On a coordinator with enable_partitionwise_aggregate
# each shard runs it on its own items, all shards at once (async).
EXPORT = ("SELECT flow_id, count(podrec.records_flatten(doc)) "
          "FROM podrec.items GROUP BY flow_id ORDER BY flow_id")

SHARD_MGET_GOAL = 2.0
EXPORT_SCALE_GOAL = 1.5     # export time on 1 shard / on 2 shards, at least


def timed_rows(conn, query, args=None, runs=None):
    """Best and median of runs of query; its rows."""
    times = []
    rows = None
    for _ in range(runs or REPEAT):
        t0 = time.perf_counter()
        with conn.cursor() as cur:
            cur.execute(query, args)
            rows = cur.fetchall()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times), rows


def shard_measure(conn):
    """The timings of one server (single node or coordinator)."""
    res = {}
    runs = max(REPEAT, 20)
    for name, query, args in (("mget", MGET_PARENT, (MGET_FLOWS,)), ("mget_api", MGET_API, (MGET_BODY,))):
        timed_rows(conn, query, args, runs=2)          # warm the caches and connections
        best, median, rows = timed_rows(conn, query, args, runs=runs)
        res[name] = {"best": best, "median": median, "runs": runs, "rows": rows}
    # The export keeps both cores busy on 2 shards: more runs than REPEAT, so
    # that the best of them is one that no other work on the machine slowed.
    timed_rows(conn, EXPORT, runs=1)
    export_runs = max(REPEAT, 5)
    best, median, rows = timed_rows(conn, EXPORT, runs=export_runs)
    res["export"] = {"best": best, "median": median, "runs": export_runs, "rows": rows}
    return res


def suite_shard(cluster):
    conn = cluster.connect()
    log(f"one node: loading {SHARD_ITEMS:,} items in {SHARD_FLOWS} flows")
    with conn.cursor() as cur:
        cur.execute(SHARD_LOAD.format(flows=SHARD_FLOWS, n=SHARD_ITEMS))
        cur.execute("VACUUM ANALYZE podrec.items")
    single = shard_measure(conn)
    conn.close()
    log(f"one node: podrec.mget {single['mget_api']['best'] * 1000:.2f} ms, "
        f"{single['mget']['best'] * 1000:.2f} ms through podrec.items, export {single['export']['best']:.2f} s")
    result = {"items": SHARD_ITEMS, "flows": SHARD_FLOWS, "mget_flows": len(MGET_FLOWS), "mget_limit": MGET_LIMIT,
              "mget_rows": len(single["mget"]["rows"]),
              "single": {k: {kk: vv for kk, vv in v.items() if kk != "rows"} for k, v in single.items()},
              "shards": []}
    for n in SHARD_COUNTS:
        shards = [Cluster(f"{CLUSTER}-shard{i}", PORT + 1 + i) for i in range(n)]
        coord = Cluster(f"{CLUSTER}-coord", PORT + 1 + max(SHARD_COUNTS))
        try:
            spec = []
            for i, sc in enumerate(shards):
                sc.create()
                c = sc.connect()
                with c.cursor() as cur:
                    cur.execute("CREATE EXTENSION podrec")
                    cur.execute("SELECT podrec.shard_prepare()")
                c.close()
                spec.append({"name": f"s{i}", "host": sc.dir, "port": sc.port, "dbname": "postgres",
                             "user": "postgres", "password_required": False,
                             "server_options": {"batch_size": "1000"}})
            coord.create()
            c = coord.connect()
            with c.cursor() as cur:
                cur.execute("CREATE EXTENSION podrec")
                cur.execute("CREATE EXTENSION postgres_fdw")
            sql_file(c, os.path.join(HERE, "sql", "generate.sql"))
            with c.cursor() as cur:
                cur.execute(SHARD_LOAD.format(flows=SHARD_FLOWS, n=SHARD_ITEMS))
                t0 = time.perf_counter()
                cur.execute("SELECT items FROM podrec.shard_setup(%s) ORDER BY remainder", (json.dumps(spec),))
                per_shard = [r[0] for r in cur.fetchall()]
                setup_s = time.perf_counter() - t0
            for sc in shards:
                s = sc.connect()
                with s.cursor() as cur:
                    cur.execute("VACUUM ANALYZE podrec.items")
                s.close()
            with c.cursor() as cur:
                cur.execute("ANALYZE podrec.items")
                cur.execute("SET enable_partitionwise_aggregate = on")
                cur.execute("EXPLAIN (VERBOSE, COSTS OFF) " + EXPORT)
                export_plan = "\n".join(r[0] for r in cur.fetchall())
            log(f"{n} shards: {SHARD_ITEMS:,} items moved in {setup_s:.1f} s")
            m = shard_measure(c)
            c.close()
            for name in ("mget", "mget_api", "export"):
                if m[name]["rows"] != single[name]["rows"]:
                    sys.exit(f"bench: {name} on {n} shards differs from one node")
            log(f"{n} shards: podrec.mget {m['mget_api']['best'] * 1000:.2f} ms, "
                f"{m['mget']['best'] * 1000:.2f} ms through podrec.items; export {m['export']['best']:.2f} s")
            entry = {"shards": n, "setup_s": setup_s, "export_plan": export_plan, "items_per_shard": per_shard,
                     "export_on_shards": "Aggregate on" in export_plan}
            entry.update({k: {kk: vv for kk, vv in v.items() if kk != "rows"} for k, v in m.items()})
            result["shards"].append(entry)
        finally:
            coord.destroy()
            for sc in shards:
                sc.destroy()
    return result


def shard_targets(res):
    rows = []
    one = res["single"]
    for e in res["shards"]:
        ratio = e["mget_api"]["best"] / one["mget_api"]["best"]
        rows.append((f"podrec.mget of {res['mget_flows']} flows on a coordinator with {e['shards']} shard(s) "
                     f"costs at most {SHARD_MGET_GOAL:g}x podrec.mget on one node",
                     f"<= {SHARD_MGET_GOAL:g}x", f"{ratio:.2f}x", "PASS" if ratio <= SHARD_MGET_GOAL else "FAIL"))
    by_n = {e["shards"]: e for e in res["shards"]}
    if 1 in by_n:
        for n, e in sorted(by_n.items()):
            if n == 1:
                continue
            speedup = by_n[1]["export"]["best"] / e["export"]["best"]
            goal = EXPORT_SCALE_GOAL * min(n, os.cpu_count() or n) / 2
            rows.append((f"the flatten-heavy export on {n} shards is at least {goal:g}x as fast as on 1 shard "
                         f"(the machine has {os.cpu_count()} cores)",
                         f">= {goal:g}x", f"{speedup:.2f}x", "PASS" if speedup >= goal else "FAIL"))
    return rows


def report_shard(res, out):
    one = res["single"]
    out.append("## Shards\n")
    out.append(f"Run {res['date']}. {res['items']:,} generated items in {res['flows']} flows, on one node and on a "
               f"coordinator whose `podrec.items` is partitioned over N postgres_fdw shards (`podrec.shard_setup`; "
               f"every server a local cluster of this machine, connected over Unix sockets). "
               f"*podrec.mget*: the newest {res['mget_limit']} items of each of {res['mget_flows']} flows that match "
               f"`{MGET_FILTER}` ({res['mget_rows']} rows, every document fetched by the client); on a coordinator "
               f"it sends each shard one statement for all of its flows. *through podrec.items*: the same pages "
               f"as one SQL statement (`doc @? podrec.filter_compile(...)`, a LATERAL page per flow) on "
               f"`podrec.items`, on a coordinator its partitioned table read flow by flow. *export*: every item "
               f"flattened (`count(podrec.records_flatten(doc))` "
               f"per flow) (`enable_partitionwise_aggregate` on the coordinator: each shard does its part, "
               f"all at once). Best of {max(res['repeat'], 20)} runs for the mgets, {max(res['repeat'], 5)} for the export; "
               f"every answer was checked equal to one node's.\n")
    out.append("| servers | podrec.mget (ms) | through podrec.items (ms) | export (s) | export flattens on | setup (s) |")
    out.append("| --- | ---: | ---: | ---: | --- | ---: |")
    out.append(f"| one node | {one['mget_api']['best'] * 1000:.2f} | {one['mget']['best'] * 1000:.2f} | "
               f"{one['export']['best']:.2f} | the node | — |")
    for e in res["shards"]:
        out.append(f"| coordinator + {e['shards']} shard(s) | {e['mget_api']['best'] * 1000:.2f} | "
                   f"{e['mget']['best'] * 1000:.2f} | {e['export']['best']:.2f} | "
                   f"{'the shards' if e.get('export_on_shards') else 'the coordinator'} | {e['setup_s']:.1f} |")
    out.append("")
    out.append("| target | goal | measured | result |")
    out.append("| --- | --- | --- | --- |")
    for r in shard_targets(res):
        out.append("| " + " | ".join(r) + " |")
    out.append("")
    for e in res["shards"]:
        if e.get("items_per_shard") and len(e["items_per_shard"]) > 1:
            most = max(e["items_per_shard"])
            out.append(f"Items per shard with {e['shards']} shards: "
                       f"{', '.join(f'{x:,}' for x in e['items_per_shard'])}: the export on {e['shards']} shards "
                       f"waits for the shard with the most, so it is at most {sum(e['items_per_shard']) / most:.2f}x "
                       f"as fast as on 1 shard.\n")
    if res["shards"]:
        out.append(f"Plan of the export on {res['shards'][-1]['shards']} shard(s):\n")
        out.append("```\n" + res["shards"][-1]["export_plan"] + "\n```\n")

# ---------------------------------------------------------------------------
# find: mget against ten finds from a client, deep pages against the first
# ---------------------------------------------------------------------------

FIND_ITEMS = int(os.environ.get("BENCH_FIND_ITEMS", "1000000"))
FIND_BIG = int(os.environ.get("BENCH_FIND_BIG", "200000"))
FIND_DEEP = int(os.environ.get("BENCH_FIND_DEEP", "100000"))
MGET_GOAL = 0.5       # mget of 10 flows x 20 items: at most this share of ten client finds
DEEP_GOAL = 2.0       # a page FIND_DEEP items deep: at most this many times the first page
TENANT_GOAL = 2.0     # a tenant's selective filtered page: at most this many times the superuser's


def find_generate(conn):
    """FIND_ITEMS items: FIND_BIG in flow-big, the rest in 49 flows."""
    with conn.cursor() as cur:
        cur.execute("SELECT podrec.account_put('acme')")
        cur.execute("SELECT podrec.flow_put('flow-big', 'acme')")
        cur.execute("SELECT podrec.flow_put('flow-' || lpad(f::text, 2, '0'), 'acme') FROM generate_series(1, 49) AS f")
        cur.execute("""
            INSERT INTO podrec.items (uid, account_id, flow_id, created_at, updated_at, status, doc)
            SELECT 'u' || g, 'acme', CASE WHEN g <= %(big)s THEN 'flow-big' ELSE 'flow-' || lpad((1 + g %% 49)::text, 2, '0') END,
                t, t, CASE WHEN g %% 10 = 7 THEN 'cancelled' ELSE 'completed' END,
                jsonb_build_object('n', g, 'kind', CASE WHEN g %% 1000 = 3 THEN 'rare' WHEN g %% 3 = 0 THEN 'a' ELSE 'b' END,
                    'score', g %% 97,
                    'barcode_scanning', jsonb_build_array(jsonb_build_object('flow_step_id', 'barcode', 'code', 'C' || (g %% 5000))))
            FROM generate_series(1, %(n)s) AS g,
                LATERAL (SELECT timestamptz '2025-01-01 00:00:00+00' + g * interval '1 second' AS t) AS t
            ORDER BY g""", {"n": FIND_ITEMS, "big": FIND_BIG})
        cur.execute("VACUUM ANALYZE podrec.items")


def best_of(fn, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return {"best": min(times), "median": statistics.median(times), "runs": runs}


def best_of_interleaved(fns, runs):
    """best_of for several functions run in turn, one call of each a round, so
    that a ratio between them is taken under the same load of the machine."""
    times = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: {"best": min(t), "median": statistics.median(t), "runs": runs} for name, t in times.items()}


def suite_find(cluster):
    conn = cluster.connect()
    t0 = time.perf_counter()
    find_generate(conn)
    load_s = time.perf_counter() - t0
    log(f"find: {FIND_ITEMS:,} items loaded in {load_s:.1f} s")
    runs = max(REPEAT, 200)
    flows = [f"flow-{f:02d}" for f in range(1, 11)]
    body = json.dumps([{"flowId": f, "params": {"limit": 20}} for f in flows])
    res = {"items": FIND_ITEMS, "big": FIND_BIG, "deep": FIND_DEEP, "load_s": load_s, "ops": {}}

    with conn.cursor() as cur:
        # As clients call them, each statement prepared once (PREPARE, then
        # one EXECUTE a round trip over the Unix socket): SELECT * (the item
        # as one composite value from mget, as columns from find, which
        # psycopg2 converts), and in the same form, the item as one
        # composite value from both.
        cur.execute("PREPARE bench_mget(jsonb) AS SELECT * FROM podrec.mget($1)")
        cur.execute("PREPARE bench_find(text, jsonb) AS SELECT * FROM podrec.find($1, $2)")
        cur.execute("PREPARE bench_find_item(text, jsonb) AS SELECT i FROM podrec.find($1, $2) AS i")

        def mget():
            cur.execute("EXECUTE bench_mget(%s)", (body,))
            rows = cur.fetchall()
            assert len(rows) == 200, len(rows)

        def ten_finds():
            n = 0
            for f in flows:
                cur.execute("EXECUTE bench_find(%s, %s)", (f, '{"limit": 20}'))
                n += len(cur.fetchall())
            assert n == 200, n

        def ten_finds_composite():
            n = 0
            for f in flows:
                cur.execute("EXECUTE bench_find_item(%s, %s)", (f, '{"limit": 20}'))
                n += len(cur.fetchall())
            assert n == 200, n

        def mget_response():
            cur.execute("SELECT podrec.mget_response(%s)", (body,))
            cur.fetchall()

        # the same items, in the same order
        cur.execute("SELECT (item).uid FROM podrec.mget(%s)", (body,))
        a = [r[0] for r in cur.fetchall()]
        b = []
        for f in flows:
            cur.execute("SELECT uid FROM podrec.find(%s, %s)", (f, '{"limit": 20}'))
            b += [r[0] for r in cur.fetchall()]
        if a != b:
            sys.exit("bench: mget and ten finds differ")
        # mget and the ten finds in turn; mget_response (3x the work) by itself
        fns = {"mget_10x20": mget, "find_10_calls": ten_finds, "find_10_calls_composite": ten_finds_composite}
        for fn in fns.values():
            fn()
        res["ops"].update(best_of_interleaved(fns, runs))
        mget_response()
        res["ops"]["mget_response_10x20"] = best_of(mget_response, runs)
        for name in list(fns) + ["mget_response_10x20"]:
            log(f"find: {name}: {res['ops'][name]['best'] * 1000:.3f} ms best of {runs}")

        cur.execute("SELECT podrec.cursor_of(i) FROM podrec.find('flow-big', %s) AS i",
                    (json.dumps({"skip": FIND_DEEP - 1, "limit": 1}),))
        cursor = cur.fetchone()[0]
        first = json.dumps({"limit": 20})
        after = json.dumps({"limit": 20, "after": cursor})
        skip = json.dumps({"limit": 20, "skip": FIND_DEEP})
        pages = {}
        fns = {}
        for name, params in (("first_page", first), ("after_cursor_page", after), ("skip_page", skip)):
            def page(params=params, name=name):
                cur.execute("SELECT uid FROM podrec.find('flow-big', %s)", (params,))
                pages[name] = [r[0] for r in cur.fetchall()]
            page()
            fns[name] = page
        # the first page and the page after the cursor in turn; the skip,
        # which would leave the caches cold for the next page, by itself
        skip_page = fns.pop("skip_page")
        res["ops"].update(best_of_interleaved(fns, runs))
        res["ops"]["skip_page"] = best_of(skip_page, max(REPEAT, 50))
        for name in ("first_page", "after_cursor_page", "skip_page"):
            log(f"find: {name}: {res['ops'][name]['best'] * 1000:.3f} ms best of {res['ops'][name]['runs']}")
        if pages["after_cursor_page"] != pages["skip_page"]:
            sys.exit("bench: the page after the cursor is not the page after skip")
        cur.execute("SELECT string_agg(p, E'\\n') FROM podrec.find_explain('flow-big', %s) AS p", (after,))
        res["plan_after"] = cur.fetchone()[0]
        cur.execute("SELECT string_agg(p, E'\\n') FROM podrec.find_explain('flow-big', %s) AS p", (skip,))
        res["plan_skip"] = cur.fetchone()[0]

        # A selective filter (0.1% of the items) as the superuser and as a
        # tenant of the account (podrec_app): the tenant's find states the
        # policies itself; with one more policy on podrec.items (restrictive,
        # USING (true): it changes no answer) it runs under row-level
        # security, as every tenant's find did before.
        rare = json.dumps({"limit": 20, "filter": {"kind": "eq.rare"}})
        cur.execute("CREATE ROLE bench_tenant IN ROLE podrec_app")
        cur.execute("INSERT INTO podrec.account_roles (role_name, account_id) VALUES ('bench_tenant', 'acme')")
        answers = {}
        fns = {}
        # each run SET ROLE, the find, RESET ROLE: the same round trips for both
        for name, role in (("filter_page", "postgres"), ("tenant_filter_page", "bench_tenant")):
            def page(role=role, name=name):
                cur.execute(f"SET ROLE {role}")
                cur.execute("SELECT uid FROM podrec.find('flow-big', %s)", (rare,))
                answers[name] = [r[0] for r in cur.fetchall()]
                cur.execute("RESET ROLE")
            page()
            fns[name] = page
            cur.execute(f"SET ROLE {role}")
            cur.execute("SELECT string_agg(p, E'\\n') FROM podrec.find_explain('flow-big', %s) AS p", (rare,))
            res["plan_" + name] = cur.fetchone()[0]
            cur.execute("RESET ROLE")
        res["ops"].update(best_of_interleaved(fns, max(REPEAT, 100)))
        # the old way, for comparison: a tenant's find under row-level security
        cur.execute("CREATE POLICY bench_extra ON podrec.items AS RESTRICTIVE FOR SELECT TO PUBLIC USING (true)")
        name = "tenant_filter_page_rls"
        fns[name] = lambda: (cur.execute("SET ROLE bench_tenant"),
                             cur.execute("SELECT uid FROM podrec.find('flow-big', %s)", (rare,)),
                             answers.__setitem__(name, [r[0] for r in cur.fetchall()]),
                             cur.execute("RESET ROLE"))
        fns[name]()
        res["ops"][name] = best_of(fns[name], max(REPEAT, 50))
        cur.execute("SET ROLE bench_tenant")
        cur.execute("SELECT string_agg(p, E'\\n') FROM podrec.find_explain('flow-big', %s) AS p", (rare,))
        res["plan_" + name] = cur.fetchone()[0]
        cur.execute("RESET ROLE")
        cur.execute("DROP POLICY bench_extra ON podrec.items")
        for name in fns:
            log(f"find: {name}: {res['ops'][name]['best'] * 1000:.3f} ms best of {res['ops'][name]['runs']}")
        if not (answers["filter_page"] == answers["tenant_filter_page"] == answers["tenant_filter_page_rls"]):
            sys.exit("bench: the tenant's filtered page is not the superuser's")
    conn.close()
    return res


def find_targets(res):
    ops = res["ops"]
    rows = []
    r = ops["mget_10x20"]["best"] / ops["find_10_calls_composite"]["best"]
    rows.append(("mget of 10 flows x 20 items: at most 0.5x ten find calls from a client over a socket "
                 "(items fetched in the same form)",
                 f"<= {MGET_GOAL:g}x", f"{r:.2f}x", "PASS" if r <= MGET_GOAL else "FAIL"))
    r = ops["mget_10x20"]["best"] / ops["find_10_calls"]["best"]
    rows.append(("mget of 10 flows x 20 items: at most 0.5x ten find calls from a client over a socket "
                 "(SELECT * from both: find's columns converted by the client)",
                 f"<= {MGET_GOAL:g}x", f"{r:.2f}x", "PASS" if r <= MGET_GOAL else "FAIL"))
    for name, label in (("after_cursor_page", "after cursor"), ("skip_page", "skip")):
        r = ops[name]["best"] / ops["first_page"]["best"]
        rows.append((f"a page {res['deep']:,} items deep ({label}): at most {DEEP_GOAL:g}x the first page",
                     f"<= {DEEP_GOAL:g}x", f"{r:.2f}x", "PASS" if r <= DEEP_GOAL else "FAIL"))
    if "tenant_filter_page" in ops:
        r = ops["tenant_filter_page"]["best"] / ops["filter_page"]["best"]
        rows.append((f"a tenant's page of a selective filter (row-level security) costs at most {TENANT_GOAL:g}x "
                     f"the superuser's", f"<= {TENANT_GOAL:g}x", f"{r:.2f}x", "PASS" if r <= TENANT_GOAL else "FAIL"))
    return rows


def report_find(res, out):
    out.append("## Find\n")
    out.append(f"Run {res['date']}. {res['items']:,} items in 50 flows of podrec.items ({res['big']:,} in "
               f"flow-big, the rest spread over 49 flows), loaded with one INSERT ... SELECT in "
               f"{res['load_s']:.0f} s. Times are measured by a psycopg2 client over the Unix socket, each "
               f"statement prepared once (PREPARE, then EXECUTE), rows fetched, best of the runs shown (median "
               f"in brackets).\n")
    out.append("| operation | runs | best (ms) | median (ms) |")
    out.append("| --- | ---: | ---: | ---: |")
    labels = {"mget_10x20": "podrec.mget of 10 flows x 20 items, one statement (SELECT *)",
              "find_10_calls": "ten podrec.find calls of 20 items, one statement each (SELECT *)",
              "find_10_calls_composite": "the same ten calls, the item as one composite value (SELECT i)",
              "mget_response_10x20": "podrec.mget_response of the same body (nested envelope)",
              "first_page": "first page of flow-big (20 items)",
              "after_cursor_page": f"page after a cursor {res['deep']:,} items deep",
              "skip_page": f"page after skip {res['deep']:,}",
              "filter_page": "page of a selective filter (0.1% of the items), superuser",
              "tenant_filter_page": "the same page as a tenant (podrec_app): policies stated in the find",
              "tenant_filter_page_rls": "the same page as a tenant with one more policy: under row-level security"}
    for name, label in labels.items():
        if name not in res["ops"]:
            continue
        e = res["ops"][name]
        out.append(f"| {label} | {e['runs']} | {e['best'] * 1000:.3f} | {e['median'] * 1000:.3f} |")
    out.append("")
    out.append("| target | goal | measured | result |")
    out.append("| --- | --- | --- | --- |")
    for r in find_targets(res):
        out.append("| " + " | ".join(r) + " |")
    out.append("")
    out.append("Plan of the page after the cursor:\n")
    out.append("```\n" + res["plan_after"] + "\n```\n")
    for key, label in (("plan_skip", f"the page after skip {res['deep']:,}"),
                       ("plan_filter_page", "the selective filter, superuser"),
                       ("plan_tenant_filter_page", "the selective filter, tenant"),
                       ("plan_tenant_filter_page_rls", "the selective filter, tenant under row-level security")):
        if key in res:
            out.append(f"Plan of {label}:\n")
            out.append("```\n" + res[key] + "\n```\n")


# ---------------------------------------------------------------------------
# Load: pgbench scripts (test/bench/load) calling the podrec_api endpoints as
# PostgREST does, with 1, 2, 4 clients
# ---------------------------------------------------------------------------

LOAD_DIR = os.path.join(HERE, "load")
LOAD_ITEMS = int(os.environ.get("BENCH_LOAD_ITEMS", "200000"))
LOAD_RECORDS = int(os.environ.get("BENCH_LOAD_RECORDS", "200000"))
LOAD_TYPED = int(os.environ.get("BENCH_LOAD_TYPED", "20000"))
LOAD_CLIENTS = env_int_list("BENCH_LOAD_CLIENTS", "1 2 4")
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "5"))
LOAD_SCRIPTS = os.environ.get("BENCH_LOAD_SCRIPTS", "").split()
SEED_LIMIT_PER_MIN = 400            # the seeds' published rate limit
LOAD_RATE_GOAL = 100 * SEED_LIMIT_PER_MIN
LOAD_P99_GOAL_MS = 20.0

# What each script asks (test/bench/load/NAME.sql), in the report's order.
LOAD_LABELS = {
    "records_list_selective": "records_list (seed 001): a selective filter (EQUAL on one code of 65,536), page 1",
    "records_list_broad": "records_list (seed 001): every record of the type, newest first, a random page of 50",
    "records_list_filtered": "records_list (seed 001): EQUAL on one Alert value (a fifth of the records), "
                             "ordered by the indexed Count, a random page of 10",
    "records": "records (seed 000): the newest 20 flat records of a random flow",
    "records_filter": "records (seed 000): the flat records of a random item's barcode",
    "mget": "mget (seed 002): 20 drops of each of 10 flows",
    "record_query": "record_query (seed 004): the records of one entity of 10,000, page size 10",
    "record_fetch": "record_fetch (seed 004): one record by its unique_id",
}


def load_generate(conn):
    """Account bench: LOAD_ITEMS seed-shaped items in 50 flows, LOAD_RECORDS
    records of type 1 (records_list), LOAD_TYPED seed-004 records; PostgREST's
    roles; the pgbench variables the scripts use."""
    t0 = time.perf_counter()
    field_ids, _ = records_generate(conn, LOAD_RECORDS)
    with conn.cursor() as cur:
        log(f"load: {LOAD_ITEMS:,} items in {SHARD_FLOWS} flows")
        cur.execute(SHARD_LOAD.replace("SELECT podrec.account_put('bench');", "").format(flows=SHARD_FLOWS, n=LOAD_ITEMS))
        cur.execute(CREATE_PAYLOADS)
        cur.execute("INSERT INTO podrec.account_roles (role_name, account_id) VALUES (current_user, 'bench')")
        cur.execute("SELECT podrec.record_type_install('seed004')")
        log(f"load: {LOAD_TYPED:,} seed-004 records")
        for start in range(1, LOAD_TYPED + 1, RECORDS_BATCH):
            end = min(start + RECORDS_BATCH - 1, LOAD_TYPED)
            cur.execute("SELECT jsonb_array_length(podrec.record_create((SELECT jsonb_agg(bench.seed004_payload(g) "
                        "ORDER BY g) FROM generate_series(%s, %s) AS g), 'seed004'))", (start, end))
        cur.execute("VACUUM ANALYZE")
    sql_file(conn, os.path.join(TOP, "test", "http", "authenticator.sql"))
    with conn.cursor() as cur:
        # records_filter.sql computes a stored barcode with bench.hex8
        cur.execute("GRANT USAGE ON SCHEMA bench TO podrec_user")
        # PostgREST reuses its prepared statements, as pgbench -M prepared does: a filter
        # that is a parameter reaches the GIN index only in a custom plan (README, "Performance")
        cur.execute("ALTER ROLE podrec_authenticator SET plan_cache_mode = force_custom_plan")
    return {"rt": 1, "code_field": field_ids["Code"], "alert_field": field_ids["Alert"],
            "count_field": field_ids["Count"], "items": LOAD_ITEMS, "typed": LOAD_TYPED}, time.perf_counter() - t0


def percentile(sorted_values, p):
    """The p-th percentile (0-100) of sorted values, nearest rank."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def pgbench(cluster, script, clients, seconds, variables, logdir):
    """One pgbench run of script; requests a minute and latencies (ms) from
    its per-transaction log."""
    for f in os.listdir(logdir):
        os.remove(os.path.join(logdir, f))
    args = [os.path.join(cluster.bindir, "pgbench"), "-n", "-M", "prepared", "-h", cluster.dir,
            "-p", str(cluster.port), "-U", "podrec_authenticator", "-c", str(clients), "-j", str(clients),
            "-f", script, "-l", "--log-prefix", os.path.join(logdir, "tx")]
    args += ["-T", str(seconds)] if seconds else ["-t", "1"]
    for k, v in variables.items():
        args += ["-D", f"{k}={v}"]
    proc = subprocess.run(args + ["postgres"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0 or "aborted" in proc.stdout:
        sys.exit(f"bench: pgbench failed on {os.path.basename(script)}:\n{proc.stdout}")
    m = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", proc.stdout)
    latencies = []
    for f in os.listdir(logdir):
        with open(os.path.join(logdir, f)) as lf:
            for line in lf:
                latencies.append(int(line.split()[2]) / 1000.0)
    latencies.sort()
    return {"clients": clients, "seconds": seconds, "requests": len(latencies),
            "per_min": float(m.group(1)) * 60 if m else 0.0,
            "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99),
            "max_ms": latencies[-1] if latencies else float("nan")}


def suite_load(cluster):
    conn = cluster.connect()
    variables, load_s = load_generate(conn)
    conn.close()
    log(f"load: data loaded in {load_s:.0f} s")
    names = LOAD_SCRIPTS or list(LOAD_LABELS)
    for name in names:
        if not os.path.exists(os.path.join(LOAD_DIR, name + ".sql")):
            sys.exit(f"bench: no load script {name} (test/bench/load/{name}.sql)")
    logdir = os.path.join(cluster.dir, "pgbench-log")
    os.makedirs(logdir, exist_ok=True)
    res = {"items": LOAD_ITEMS, "records": LOAD_RECORDS, "typed": LOAD_TYPED, "seconds": LOAD_SECONDS,
           "load_s": load_s, "scripts": []}
    for name in names:
        script = os.path.join(LOAD_DIR, name + ".sql")
        pgbench(cluster, script, 1, 0, variables, logdir)         # runs once, without an error
        entry = {"name": name, "runs": []}
        for clients in LOAD_CLIENTS:
            r = pgbench(cluster, script, clients, LOAD_SECONDS, variables, logdir)
            entry["runs"].append(r)
            log(f"load {name}: {clients} client(s): {r['per_min']:,.0f} requests a minute, "
                f"p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms")
        res["scripts"].append(entry)
    return res


def load_targets(res):
    rows = []
    top = max(LOAD_CLIENTS) if LOAD_CLIENTS else 4
    for e in res["scripts"]:
        r = next((r for r in e["runs"] if r["clients"] == top), e["runs"][-1])
        ok = r["per_min"] >= LOAD_RATE_GOAL and r["p99_ms"] < LOAD_P99_GOAL_MS
        rows.append((f"{e['name']} with {r['clients']} clients: at least 100x the seeds' {SEED_LIMIT_PER_MIN} "
                     f"requests a minute, p99 under {LOAD_P99_GOAL_MS:g} ms",
                     f">= {LOAD_RATE_GOAL:,}/min, p99 < {LOAD_P99_GOAL_MS:g} ms",
                     f"{r['per_min']:,.0f}/min ({r['per_min'] / SEED_LIMIT_PER_MIN:,.0f}x), p99 {r['p99_ms']:.1f} ms",
                     "PASS" if ok else "FAIL"))
    return rows


def report_load(res, out):
    out.append("## Load\n")
    out.append(f"Run {res['date']}. pgbench (`-M prepared`, {res['seconds']} s a run) runs each script of "
               f"test/bench/load as PostgREST runs a request: a transaction that switches to podrec_user with "
               f"the request's claims (`request.jwt.claims`, account bench) and calls the endpoint function, "
               f"with random parameters (`\\set ... random`). Data: {res['records']:,} records of one record "
               f"type (records_list), {res['items']:,} seed-shaped items in 50 flows (records, mget) and "
               f"{res['typed']:,} seed-004 records (record_query, record_fetch), one account. Requests a minute "
               f"are pgbench's transactions a second (without connection time) x 60; latencies are from its "
               f"per-transaction log (`-l`). Client and server share the machine's cores.\n")
    out.append("| request | clients | requests a minute | p50 (ms) | p99 (ms) |")
    out.append("| --- | ---: | ---: | ---: | ---: |")
    for e in res["scripts"]:
        for r in e["runs"]:
            out.append(f"| {LOAD_LABELS.get(e['name'], e['name'])} | {r['clients']} | {r['per_min']:,.0f} | "
                       f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} |")
    out.append("")
    out.append("| target | goal | measured | result |")
    out.append("| --- | --- | --- | --- |")
    for r in load_targets(res):
        out.append("| " + " | ".join(r) + " |")
    out.append("")


# ---------------------------------------------------------------------------
# Typed create (seed 004): podrec.record_create in batches
# ---------------------------------------------------------------------------

# Payloads of record g of each template, from hashes of g (the same on every
# run): both parse modes of the type field, usage, the renamed field, custom
# properties, identifiers, some failed requests.
CREATE_PAYLOADS = """
CREATE FUNCTION bench.seed004_payload(g bigint) RETURNS jsonb
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN jsonb_strip_nulls(jsonb_build_object(
    'unique_id', 'record_' || g,
    'field_3', CASE WHEN bench.rnd(g, 1, 10) = 0 THEN 'type_b' ELSE 'type_a' END,
    'field_4', (ARRAY['sample-value', 'sample-value-123', 'other'])[1 + bench.rnd(g, 2, 3)],
    'field_1', CASE WHEN bench.rnd(g, 1, 10) = 0 THEN 'Sample text ' || g
        ELSE '[{"role":"user","content":"question ' || g || '"}]' END,
    'field_2', '{"role":"assistant","content":"answer ' || bench.rnd(g, 3, 100000) || '"}',
    'field_5', jsonb_build_object('sub_field_a', bench.rnd(g, 4, 2000), 'sub_field_b', bench.rnd(g, 5, 500)),
    CASE WHEN bench.rnd(g, 6, 2) = 0 THEN 'field_7' ELSE 'field_7_old' END, bench.rnd(g, 7, 5000) / 1000.0,
    'field_8', bench.rnd(g, 8, 800) / 1000.0,
    'field_9', jsonb_build_object('prop_1', 'value_a', 'prop_2', 'v1.0.' || bench.rnd(g, 9, 5),
        'prop_3', 'tier_' || chr(97 + bench.rnd(g, 10, 3)::int)),
    'field_10', 'entity_' || bench.rnd(g, 11, 10000),
    'field_11', 'thread_' || bench.rnd(g, 12, 100000),
    'field_12', 'ref_' || g,
    'field_18', CASE WHEN bench.rnd(g, 13, 50) = 0 THEN 500 END,
    'field_19', CASE WHEN bench.rnd(g, 13, 50) = 0 THEN 'upstream error' END));
CREATE FUNCTION bench.request_log_payload(g bigint) RETURNS jsonb
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN jsonb_strip_nulls(jsonb_build_object(
    'unique_id', 'log_' || g,
    'log_type', CASE WHEN bench.rnd(g, 1, 10) = 0 THEN 'embedding' ELSE 'chat' END,
    'model', (ARRAY['gpt-4o', 'gpt-4o-mini', 'claude'])[1 + bench.rnd(g, 2, 3)],
    'input', CASE WHEN bench.rnd(g, 1, 10) = 0 THEN 'Text to embed ' || g
        ELSE '[{"role":"user","content":"question ' || g || '"}]' END,
    'output', CASE WHEN bench.rnd(g, 1, 10) = 0 THEN NULL
        ELSE '{"role":"assistant","content":"answer ' || bench.rnd(g, 3, 100000) || '"}' END,
    'usage', jsonb_build_object('prompt_tokens', bench.rnd(g, 4, 2000), 'completion_tokens', bench.rnd(g, 5, 500)),
    CASE WHEN bench.rnd(g, 6, 2) = 0 THEN 'latency' ELSE 'generation_time' END, bench.rnd(g, 7, 5000) / 1000.0,
    'time_to_first_token', bench.rnd(g, 8, 800) / 1000.0,
    'metadata', jsonb_build_object('environment', 'production', 'version', 'v1.0.' || bench.rnd(g, 9, 5),
        'user_tier', (ARRAY['free', 'premium', 'enterprise'])[1 + bench.rnd(g, 10, 3)]),
    'customer_identifier', 'user_' || bench.rnd(g, 11, 10000),
    'thread_identifier', 'thread_' || bench.rnd(g, 12, 100000),
    'custom_identifier', 'ticket_' || g,
    'status_code', CASE WHEN bench.rnd(g, 13, 50) = 0 THEN 500 END,
    'error_message', CASE WHEN bench.rnd(g, 13, 50) = 0 THEN 'upstream error' END));
"""

RECORD_CREATE_GOAL = 10000


def proc_cpu_seconds(pid):
    """CPU time (user + system) a process has used, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def plain_insert_cpu(conn, pid, template, n):
    """The floor of a create: the backend's CPU seconds (best of REPEAT) for a
    plain INSERT ... SELECT of n copies of stored records of the type into
    podrec.items, which has the same indexes (the type's field indexes too),
    foreign keys and triggers; the copies are deleted again."""
    best = None
    with conn.cursor() as cur:
        for _ in range(REPEAT):
            c0 = proc_cpu_seconds(pid)
            cur.execute("INSERT INTO podrec.items (uid, unique_id, account_id, flow_id, record_type_id, created_at, "
                        "updated_at, status, test_mode, doc) "
                        "SELECT 'copy-' || i.uid, 'copy-' || i.unique_id, i.account_id, i.flow_id, i.record_type_id, "
                        "i.created_at, i.updated_at, i.status, i.test_mode, i.doc "
                        "FROM podrec.items AS i JOIN podrec.record_types AS t ON t.id = i.record_type_id "
                        "WHERE t.name = %s ORDER BY i.id LIMIT %s", (template, n))
            spent = proc_cpu_seconds(pid) - c0
            best = spent if best is None else min(best, spent)
            cur.execute("DELETE FROM podrec.items WHERE uid LIKE 'copy-%%'")
    return best


def suite_record_create(cluster):
    conn = cluster.connect()
    with conn.cursor() as cur:
        cur.execute(CREATE_PAYLOADS)
        cur.execute("SELECT podrec.account_put('bench')")
        cur.execute("INSERT INTO podrec.account_roles (role_name, account_id) VALUES (current_user, 'bench')")
        cur.execute("SELECT podrec.record_type_install('seed004') ->> 'id'")
        cur.execute("SELECT podrec.record_type_install('request_logs') ->> 'id'")
    # The goal is per core: the backend's own CPU time, read from /proc (the wall
    # time is reported too; on a busy machine it is longer).
    pid = sql_one(conn, "SELECT pg_backend_pid()")
    result = {"records": CREATE_RECORDS, "batch": RECORDS_BATCH, "types": []}
    for template, payload in (("seed004", "bench.seed004_payload"), ("request_logs", "bench.request_log_payload")):
        log(f"record_create {template}: {CREATE_RECORDS:,} records in batches of {RECORDS_BATCH:,}")
        spent = 0.0
        cpu = 0.0
        first = None
        for start in range(1, CREATE_RECORDS + 1, RECORDS_BATCH):
            end = min(start + RECORDS_BATCH - 1, CREATE_RECORDS)
            with conn.cursor() as cur:
                cur.execute("DROP TABLE IF EXISTS pg_temp.batch")
                cur.execute(f"CREATE TEMP TABLE batch AS SELECT jsonb_agg({payload}(g) ORDER BY g) AS j "
                            f"FROM generate_series({start}, {end}) AS g")
                if first is None:
                    cur.execute("CREATE TEMP TABLE first_batch AS SELECT j FROM batch")
                    first = end - start + 1
                c0 = proc_cpu_seconds(pid)
                t0 = time.perf_counter()
                cur.execute("SELECT jsonb_array_length(podrec.record_create((SELECT j FROM batch), %s))", (template,))
                spent += time.perf_counter() - t0
                cpu += proc_cpu_seconds(pid) - c0
                if cur.fetchone()[0] != end - start + 1:
                    sys.exit(f"bench: record_create {template} returned a short batch")
        rate = CREATE_RECORDS / cpu
        log(f"record_create {template}: {cpu:.1f} s of CPU ({spent:.1f} s of wall time): {rate:,.0f} records "
            f"a CPU second ({CREATE_RECORDS / spent:,.0f} a wall second)")
        # A retried batch: every unique_id is taken, each create returns the stored record.
        with conn.cursor() as cur:
            retry = []
            for _ in range(REPEAT):
                t0 = time.perf_counter()
                cur.execute("SELECT jsonb_array_length(podrec.record_create((SELECT j FROM pg_temp.first_batch), %s))",
                            (template,))
                retry.append(time.perf_counter() - t0)
            cur.execute("SELECT count(*) FROM podrec.items AS i JOIN podrec.record_types AS t "
                        "ON t.id = i.record_type_id WHERE t.name = %s", (template,))
            stored = cur.fetchone()[0]
            cur.execute("DROP TABLE pg_temp.first_batch")
        if stored != CREATE_RECORDS:
            sys.exit(f"bench: record_create {template} stored {stored:,} records, not {CREATE_RECORDS:,}")
        plain = plain_insert_cpu(conn, pid, template, first)
        result["types"].append({"template": template, "seconds": spent, "cpu_seconds": cpu, "rate": rate,
                                "wall_rate": CREATE_RECORDS / spent, "retry_rate": first / min(retry),
                                "plain_rate": first / plain})
        log(f"record_create {template}: a plain INSERT of {first:,} of its stored records: "
            f"{first / plain:,.0f} records a CPU second")
        log(f"record_create {template}: a retried batch of {first:,}: {first / min(retry):,.0f} records a second")
    # The inbox: creates that do not wait, then completed by record_inbox_process.
    n = min(RECORDS_BATCH, CREATE_RECORDS)
    with conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE later AS SELECT jsonb_agg(bench.seed004_payload(g) || "
                    "jsonb_build_object('unique_id', 'later_' || g, 'field_21', jsonb_build_object('option_a', false)) ORDER BY g) AS j "
                    "FROM generate_series(1, %s) AS g", (n,))
        t0 = time.perf_counter()
        cur.execute("SELECT jsonb_array_length(podrec.record_create((SELECT j FROM later), 'seed004'))")
        ack = time.perf_counter() - t0
        t0 = time.perf_counter()
        cur.execute("SELECT podrec.record_inbox_process(%s)", (n,))
        done = cur.fetchone()[0]
        process = time.perf_counter() - t0
    if done != n:
        sys.exit(f"bench: record_inbox_process made {done:,} records, not {n:,}")
    result["inbox"] = {"records": n, "ack_rate": n / ack, "process_rate": n / process}
    log(f"record_create without waiting: {n / ack:,.0f} acknowledged a second; "
        f"record_inbox_process: {n / process:,.0f} a second")
    result["table_bytes"] = sql_one(conn, "SELECT pg_total_relation_size('podrec.items')")
    conn.close()
    return result


def record_create_targets(res):
    rows = []
    for t in res["types"]:
        rows.append((f"record_create ({t['template']}) in batches of {res['batch']:,}: at least "
                     f"{RECORD_CREATE_GOAL:,} records a second on one core",
                     f">= {RECORD_CREATE_GOAL:,}/s", f"{t['rate']:,.0f}/s of CPU",
                     "PASS" if t["rate"] >= RECORD_CREATE_GOAL else "FAIL"))
    return rows


def report_record_create(res, out):
    out.append("## Typed create (record_create)\n")
    out.append(f"Run {res['date']}. {res['records']:,} records of each record type, created with "
               f"`podrec.record_create(batch, type)` in batches of {res['batch']:,} by one backend; the rate "
               f"per core is records per second of the backend's CPU time (user + system, from /proc), the "
               f"wall rate is what the client saw (lower when other work shares the cores): "
               f"the seed's own type `seed004` and request logs under their real names `request_logs` "
               f"(parse modes chosen by the type field, the renamed field, 8 computed fields, 6 rules, "
               f"3 indexed fields, a unique_id each). A retried batch sends the first batch again: every "
               f"unique_id is taken and each create returns the stored record. Table and indexes "
               f"{res['table_bytes'] / 1024 / 1024:.0f} MB at the end.\n")
    out.append("The floor of a create is PostgreSQL's own insert: *plain INSERT* is a plain `INSERT ... SELECT` "
               f"of {res['batch']:,} copies of the type's stored records into `podrec.items` (the same indexes, "
               "the type's field indexes among them, foreign keys and triggers), in records a CPU second of the "
               "same backend; *podrec's work* is what a create spends beyond it, per record.\n")
    out.append("| record type | CPU seconds | records a CPU second | plain INSERT, records a CPU second | "
               "podrec's work a record (µs of CPU) | wall seconds | records a wall second | "
               "retried batch, records a wall second |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for t in res["types"]:
        plain = t.get("plain_rate")
        extra = f"{1e6 / t['rate'] - 1e6 / plain:.0f}" if plain else "—"
        out.append(f"| {t['template']} | {t['cpu_seconds']:.1f} | {t['rate']:,.0f} | "
                   f"{plain:,.0f} | {extra} | {t['seconds']:.1f} | "
                   f"{t['wall_rate']:,.0f} | {t['retry_rate']:,.0f} |" if plain else
                   f"| {t['template']} | {t['cpu_seconds']:.1f} | {t['rate']:,.0f} | — | — | {t['seconds']:.1f} | "
                   f"{t['wall_rate']:,.0f} | {t['retry_rate']:,.0f} |")
    out.append("")
    i = res["inbox"]
    out.append(f"Creates that do not wait (`field_21.option_a = false`), {i['records']:,} in one batch: "
               f"{i['ack_rate']:,.0f} acknowledged a second; `podrec.record_inbox_process()` then makes "
               f"{i['process_rate']:,.0f} records a second (one batch per record type).\n")
    out.append("| target | goal | measured | result |")
    out.append("| --- | --- | --- | --- |")
    for r in record_create_targets(res):
        out.append("| " + " | ".join(r) + " |")
    out.append("")

SUITES = {"flatten": suite_flatten, "memory": suite_memory, "records": suite_records, "filters": suite_filters,
          "record_create": suite_record_create, "shard": suite_shard, "find": suite_find,
          "load": suite_load}


# ---------------------------------------------------------------------------
# Reports: results/latest.json, latest.md, latest.png
# ---------------------------------------------------------------------------

def machine():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        ram_kb = int(f.readline().split()[1])
    commit = subprocess.run(["git", "-C", TOP, "rev-parse", "--short", "HEAD"], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(ram_kb / 1024 / 1024, 1),
            "kernel": platform.release(), "commit": commit or "unknown"}


def fmt_s(x):
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def fmt_us(x):
    return f"{x * 1e6:.1f}" if x * 1e6 < 100 else f"{x * 1e6:.0f}"


def target_rows(size):
    rows = []
    ops = size["ops"]
    for t in TARGETS:
        if t.slower not in ops or t.faster not in ops:
            continue
        ratio = ops[t.slower]["cost_per_row"] / ops[t.faster]["cost_per_row"]
        if t.goal >= 1:
            shown, goal, ok = f"{ratio:.1f}x", f">= {t.goal:g}x", ratio >= t.goal
        else:
            ratio = 1 / ratio
            shown, goal, ok = f"{ratio:.2f}x", f"<= {1 / t.goal:g}x", ratio <= 1 / t.goal
        rows.append((t.text, goal, shown, "PASS" if ok else "FAIL"))
    return rows


def report_flatten(res, out):
    out.append("## Flattening\n")
    out.append(f"Run {res['date']}. Time is the best of {res['repeat']} runs of one query "
               f"(a client round trip for the client rows); *cost* is that time less the time of a "
               f"bare scan of the same rows, for the whole table. Baselines were checked to give what "
               f"records_flatten gives on {res['verified_items']:,} items first.\n")
    for size in res["sizes"]:
        d = size["data"]
        n = d["rows"]
        out.append(f"### {n:,} items\n")
        out.append(f"{n:,} generated items of {d['flows']} flows: {d['json_bytes']:.0f} bytes of JSON "
                   f"({d['stored_bytes']:.0f} stored) and {d['leaves']:.1f} leaves per item on average; "
                   f"table {d['table_bytes'] / 1024 / 1024:.0f} MB.\n")
        out.append("| operation | rows timed | time (s) | cost over bare scan (s) | cost per item (µs) | note |")
        out.append("| --- | ---: | ---: | ---: | ---: | --- |")
        for op in OPS:
            e = size["ops"].get(op.name)
            if e is None:
                continue
            rows = f"{e['rows']:,}" + (" (scaled)" if e["scaled"] else "")
            cost = fmt_s(e["cost"]) if "cost" in e else "—"
            per = fmt_us(e["cost_per_row"]) if "cost_per_row" in e else "—"
            out.append(f"| {op.label} | {rows} | {fmt_s(e['best'])} | {cost} | {per} | {op.note} |")
        out.append("")
        rows = target_rows(size)
        if rows:
            out.append("| target | goal | measured | result |")
            out.append("| --- | --- | --- | --- |")
            for r in rows:
                out.append("| " + " | ".join(r) + " |")
            out.append("")
    out.append("![cost against table size of each operation](latest.png)\n")


def memory_rows(res):
    sizes = res["sizes"]
    rows = []
    for name, label, _ in MEMORY_OPS:
        cells = []
        for s in sizes:
            e = s["ops"][name]
            over = (e["peak_kb"] - s["ops"]["scan"]["peak_kb"]) / 1024
            cells.append(f"{e['peak_kb'] / 1024:.1f}" + ("" if name == "scan" else f" ({over:+.1f})"))
        rows.append((label, cells))
    return rows


def memory_targets(res):
    sizes = res["sizes"]
    if len(sizes) < 2:
        return []
    lo, hi = sizes[0], sizes[-1]
    out = []
    for name in ("flatten", "flatten_each"):
        over_lo = lo["ops"][name]["peak_kb"] - lo["ops"]["scan"]["peak_kb"]
        over_hi = hi["ops"][name]["peak_kb"] - hi["ops"]["scan"]["peak_kb"]
        growth = over_hi - over_lo
        label = dict((n, l) for n, l, _ in MEMORY_OPS)[name]
        out.append((f"{label} runs in constant memory: peak over a bare scan grows by at most "
                    f"{MEMORY_GROWTH_GOAL_KB // 1024} MB from {lo['rows']:,} to {hi['rows']:,} rows",
                    f"<= {MEMORY_GROWTH_GOAL_KB // 1024} MB", f"{growth / 1024:+.1f} MB",
                    "PASS" if growth <= MEMORY_GROWTH_GOAL_KB else "FAIL"))
    return out


def report_memory(res, out):
    sizes = res["sizes"]
    out.append("## Memory\n")
    out.append(f"Run {res['date']}. Peak resident size of the backend (`VmHWM` in `/proc/<pid>/status`, "
               f"pid from `pg_backend_pid()`), each query in a fresh backend, in MB; in brackets, "
               f"over the bare scan of the same table.\n")
    out.append("| query | " + " | ".join(f"{s['rows']:,} items" for s in sizes) + " |")
    out.append("| --- | " + " | ".join("---:" for _ in sizes) + " |")
    for label, cells in memory_rows(res):
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("")
    m = res.get("mget")
    if m:
        out.append(f"podrec.mget of {m['flows']} flows (the most one mget takes) on {m['items']:,} items of "
                   f"podrec.items, {m['items'] // m['flows']:,} a flow, each query in a fresh backend:\n")
        out.append("| query | items returned | documents (MB) | peak resident, VmHWM (MB) | "
                   "peak private, RssAnon sampled (MB) | private over an idle backend (MB) |")
        out.append("| --- | ---: | ---: | ---: | ---: | ---: |")
        idle = next(r for r in m["runs"] if r["name"] == "idle")
        for r in m["runs"]:
            if r["name"] == "idle":
                out.append(f"| idle backend: `SELECT 1` | — | — | {r['peak_kb'] / 1024:.1f} | "
                           f"{r['anon_peak_kb'] / 1024:.1f} | — |")
            else:
                out.append(f"| `podrec.mget`, {m['flows']} flows x limit {r['limit']} | {r['rows']:,} | "
                           f"{r['doc_bytes'] / 1024 / 1024:.1f} | {r['peak_kb'] / 1024:.1f} | "
                           f"{r['anon_peak_kb'] / 1024:.1f} | {(r['anon_peak_kb'] - idle['anon_peak_kb']) / 1024:+.1f} |")
        out.append("")
        out.append("The resident size counts the shared buffers a backend touches, which for the index "
                   "scans of 100 flows is every page of their items; the private memory (`RssAnon` of "
                   "`/proc/<pid>/status`, sampled every 2 ms while the query runs) is what the query "
                   "itself holds.")
        out.append("")
    rows = memory_targets(res) + mget_memory_targets(res)
    if rows:
        out.append("| target | goal | measured | result |")
        out.append("| --- | --- | --- | --- |")
        for r in rows:
            out.append("| " + " | ".join(r) + " |")
        out.append("")


def plot(results):
    """results/latest.png: cost against table size of each operation (the
    flatten and filters suites, log scales); one size: a bar per operation."""
    flat = results.get("flatten")
    if not flat or not shutil.which("gnuplot"):
        return None
    sizes = flat["sizes"]
    names = [op.name for op in OPS if op.bare and all(op.name in s["ops"] for s in sizes)]
    labels = {op.name: op.short or op.name for op in OPS}
    png = os.path.join(RESULTS, "latest.png")
    tmp = []

    def data_file(name, rows):
        path = os.path.join(RESULTS, f"latest.{name}.dat.tmp")
        with open(path, "w") as f:
            f.write("\n".join(rows) + "\n")
        tmp.append(path)
        return path

    common = f"""set terminal png size 1400,600 noenhanced
set output '{png}'
set grid
set logscale y
"""
    filters = results.get("filters")
    fsizes = filters["sizes"] if filters else []
    if len(sizes) > 1:
        dat = data_file("flatten", [f"{s['data']['rows']} " + " ".join(f"{max(s['ops'][n]['cost'], 1e-6):.6f}" for n in names)
                                    for s in sizes])
        lines = ", ".join(f"'{dat}' using 1:{i + 2} with linespoints lw 2 title \"{labels[n]}\""
                          for i, n in enumerate(names))
        script = common + f"""set multiplot layout 1,{2 if len(fsizes) > 1 else 1}
set logscale x
set xlabel 'items in the table'
set key top left font ',9'
set title 'flattening: cost over a bare scan (s, log scales)'
set ylabel 'seconds'
plot {lines}
"""
        if len(fsizes) > 1:
            fnames = [op.name for op in FILTER_OPS if op.name != "scan"]
            fdat = data_file("filters", [f"{s['data']['rows']} " + " ".join(f"{s['ops'][n]['best']:.6f}" for n in fnames)
                                         for s in fsizes])
            short = {"equal_page": "seed barcode, first page (GIN)", "unique_page": "one item's barcode, first page (GIN)",
                     "equal_page_unestimated": "first page, filter unknown when planning",
                     "equal_naive": "baseline: flatten every row, then filter",
                     "icontains": "icontains, every row", "icontains_jsonpath": "baseline: jsonb_path_match, every row"}
            flines = ", ".join(f"'{fdat}' using 1:{i + 2} with linespoints lw 2 title \"{short.get(n, n)}\""
                               for i, n in enumerate(fnames))
            script += f"""set title 'filters: time of a query (s, log scales)'
plot {flines}
"""
        script += "unset multiplot\n"
    else:
        # one size: one box per operation, its cost written on top
        dat = data_file("flatten", [f"{i} {max(sizes[0]['ops'][name]['cost'], 1e-6):.6f}" for i, name in enumerate(names)])
        xt = ", ".join(f"\"{labels[name]}\" {i}" for i, name in enumerate(names))
        script = common + f"""set title 'cost over a bare scan, {sizes[0]["data"]["rows"]:,} items (log scale)'
set ylabel 'seconds'
set style fill solid 0.6
set boxwidth 0.6
set xtics ({xt}) rotate by 30 right font ',9'
set xrange [-0.6:{len(names) - 0.4}]
set yrange [*:*]
set offsets 0, 0, graph 0.15, 0
set bmargin 7
unset key
plot '{dat}' using 1:2 with boxes, '' using 1:2:(sprintf('%.2f s', $2)) with labels offset 0,0.8
"""
    gp = os.path.join(RESULTS, "latest.gp.tmp")
    with open(gp, "w") as f:
        f.write(script)
    subprocess.run(["gnuplot", gp], check=True)
    for path in tmp + [gp]:
        os.remove(path)
    return png


def write_report(results):
    m = results.get("machine", {})
    out = ["# podrec benchmark results\n",
           f"Machine: {m.get('cpu')}, {m.get('cores')} cores, {m.get('ram_gb')} GB RAM, Linux "
           f"{m.get('kernel')}; {results.get('server_version', '')}; podrec {m.get('commit')}. "
           f"Cluster settings: " + ", ".join(f"{k} = {v}" for k, v in Cluster.SETTINGS.items()) + ".\n",
           "Generated by `make bench` (test/bench/bench.py); every figure below comes from the run "
           "named in its section.\n"]
    if "flatten" in results:
        report_flatten(results["flatten"], out)
    if "memory" in results:
        report_memory(results["memory"], out)
    if "records" in results:
        report_records(results["records"], out)
    if "filters" in results:
        report_filters(results["filters"], out)
    if "record_create" in results:
        report_record_create(results["record_create"], out)
    if "shard" in results:
        report_shard(results["shard"], out)
    if "find" in results:
        report_find(results["find"], out)
    if "load" in results:
        report_load(results["load"], out)
    with open(os.path.join(RESULTS, "latest.md"), "w") as f:
        f.write("\n".join(out))
    plot(results)
    return "\n".join(out)


def load_results():
    path = os.path.join(RESULTS, "latest.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {}


def main(argv):
    os.makedirs(RESULTS, exist_ok=True)
    if argv[:1] == ["--report"]:
        print(write_report(load_results()))
        return 0
    suites = argv or list(SUITES)
    for s in suites:
        if s not in SUITES:
            sys.exit(f"bench: unknown suite {s} (known: {', '.join(SUITES)})")
    if INSTALL:
        install_podrec()
    results = load_results()
    results["machine"] = machine()
    cluster = Cluster(CLUSTER, PORT)
    try:
        for name in suites:
            log(f"suite {name}: fresh cluster in {CLUSTER}, port {PORT}")
            cluster.create()
            conn = cluster.connect()
            with conn.cursor() as cur:
                cur.execute("CREATE EXTENSION podrec")
            sql_file(conn, os.path.join(HERE, "sql", "generate.sql"))
            sql_file(conn, os.path.join(HERE, "sql", "baselines.sql"))
            results["server_version"] = sql_one(conn, "SELECT version()").split(" on ")[0]
            conn.close()
            res = SUITES[name](cluster)
            res["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
            res["repeat"] = REPEAT
            results[name] = res
            with open(os.path.join(RESULTS, "latest.json"), "w") as f:
                json.dump(results, f, indent=1)
            if not KEEP:
                cluster.destroy()
    finally:
        if not KEEP:
            cluster.destroy()
    print(write_report(results))
    verdicts = [r for s in results.get("flatten", {}).get("sizes", []) for r in target_rows(s)]
    if "memory" in results:
        verdicts += memory_targets(results["memory"]) + mget_memory_targets(results["memory"])
    if "records" in results:
        verdicts += records_targets(results["records"])
    verdicts += [r for s in results.get("filters", {}).get("sizes", [])[-1:] for r in filter_target_rows(s)]
    if "filters" in results:
        verdicts += filter_growth_rows(results["filters"])
    if "record_create" in results:
        verdicts += record_create_targets(results["record_create"])
    if "shard" in results:
        verdicts += shard_targets(results["shard"])
    if "find" in results:
        verdicts += find_targets(results["find"])
    if "load" in results:
        verdicts += load_targets(results["load"])
    for text, goal, measured, verdict in verdicts:
        log(f"{verdict}: {text}: {measured} (goal {goal})")
    log(f"targets: {sum(v[3] == 'PASS' for v in verdicts)} passed, "
        f"{sum(v[3] == 'FAIL' for v in verdicts)} failed; results in {RESULTS}/latest.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
