#!/usr/bin/python3
"""Replay fuzz inputs through podrec's SQL functions.

Every file under the given directories is read as a filter, the way the SQL
functions read it, and passed to podrec.filter_compile, filter_index_path and
filter_explain (text; and jsonb, when it is JSON).  Each call must either
succeed, giving a jsonpath that PostgreSQL itself accepted, or fail with a
clean error of a podrec SQLSTATE (class 22, 42601 or 54000).  An internal
error, a crash or a lost connection fails the replay.

    replay.py DIR...          (connects with the PG* environment variables)
"""
import os
import sys

import psycopg2

ALLOWED = ("22", "42601", "54000")
FUNCTIONS = ("filter_compile", "filter_index_path", "filter_explain")


def inputs(dirs):
    for d in dirs:
        for root, _, files in os.walk(d):
            for name in sorted(files):
                yield os.path.join(root, name)


def main(dirs):
    admin = psycopg2.connect(dbname="postgres")
    admin.autocommit = True
    acur = admin.cursor()
    acur.execute("DROP DATABASE IF EXISTS podrec_fuzz")
    acur.execute("CREATE DATABASE podrec_fuzz")
    admin.close()
    conn = psycopg2.connect(dbname="podrec_fuzz")
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("CREATE EXTENSION podrec")
    calls = accepted = refused = skipped = 0
    failures = []
    for path in inputs(dirs):
        data = open(path, "rb").read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            skipped += 1
            continue
        if "\x00" in text:
            skipped += 1
            continue
        casts = ["text"]
        if text.lstrip()[:1] in ("[", "{", '"'):
            casts.append("jsonb")
        for cast in casts:
            for fn in FUNCTIONS:
                calls += 1
                try:
                    cur.execute("SELECT podrec.%s(%%s::%s)::text" % (fn, cast), (text,))
                    cur.fetchone()
                    accepted += 1
                except psycopg2.Error as e:
                    code = e.pgcode or ""
                    if cast == "jsonb" and code == "22P02":
                        break          # not jsonb after all: the cast refused it
                    if not code.startswith(ALLOWED):
                        failures.append((path, fn, cast, code, str(e).strip()))
                    refused += 1
                    if conn.closed:
                        failures.append((path, fn, cast, code, "connection lost"))
                        print_failures(failures)
                        return 1
    print("replay: %d calls on %d inputs: %d accepted, %d refused cleanly, %d not text, %d failures"
          % (calls, sum(1 for _ in inputs(dirs)), accepted, refused, skipped, len(failures)))
    print_failures(failures)
    return 1 if failures else 0


def print_failures(failures):
    for path, fn, cast, code, msg in failures[:20]:
        print("replay: FAILED %s(%s) on %s: SQLSTATE %s: %s" % (fn, cast, path, code, msg))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
