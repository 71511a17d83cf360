#!/usr/bin/python3
"""podrec from an ORM, as an application uses it: SQLAlchemy with psycopg2.

Logs in as an application role (a member of podrec_app mapped to account A in
podrec.account_roles; test/clients/setup.sql makes the database), maps
podrec.items and podrec_api.items as ORM classes, and checks:

  - podrec.matches in a WHERE clause, with text and jsonb filters: A's items
    only, and EXPLAIN shows the GIN index on items.doc;
  - writes through podrec.item_put and podrec.items_put mapped back to objects,
    and ORM updates within the account;
  - what the application cannot do: see, insert or move rows of account B,
    choose its account with request.jwt.claims;
  - errors carry podrec's SQLSTATE, message, detail and hint.

Prints one TAP line per check; exits 1 when any fails. Settings: PGHOST,
PGPORT (the cluster), PODREC_CLIENTS_DB (default podrec_clients),
PODREC_CLIENTS_ROLE (default clients_app_a).
"""
import json
import os
import sys

from sqlalchemy import (BigInteger, Boolean, Column, DateTime, Text, cast, create_engine,
                        func, select, text)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, declarative_base
from sqlalchemy.sql.expression import ClauseElement, Executable

Base = declarative_base()


class Item(Base):
    """A row of podrec.items."""
    __tablename__ = "items"
    __table_args__ = {"schema": "podrec"}
    id = Column(BigInteger, primary_key=True)
    uid = Column(Text, nullable=False, unique=True)
    account_id = Column(Text, nullable=False)
    flow_id = Column(Text, nullable=False)
    record_type_id = Column(BigInteger)
    created_at = Column(DateTime(timezone=True), nullable=False)
    updated_at = Column(DateTime(timezone=True), nullable=False)
    started_at = Column(DateTime(timezone=True))
    ended_at = Column(DateTime(timezone=True))
    status = Column(Text, nullable=False)
    test_mode = Column(Boolean, nullable=False)
    doc = Column(JSONB, nullable=False)


class ApiItem(Base):
    """A row of the API view podrec_api.items: the columns of an item and its flat record."""
    __tablename__ = "items"
    __table_args__ = {"schema": "podrec_api"}
    id = Column(BigInteger, primary_key=True)
    uid = Column(Text)
    account_id = Column(Text)
    flow_id = Column(Text)
    doc = Column(JSONB)
    record = Column(JSONB)


class Tap:
    """Numbered ok / not ok lines and a summary."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, cond, name, got=None):
        """Print one result; show what was got when it failed."""
        self.n += 1
        print(("ok" if cond else "not ok"), self.n, "-", name)
        if not cond:
            self.failed += 1
            print("#   got:", repr(got))
        return cond

    def equal(self, got, want, name):
        """A check that got equals want."""
        if not self.check(got == want, name, got):
            print("#   expected:", repr(want))

    def finish(self):
        """The plan and the summary; the exit status."""
        print(f"1..{self.n}")
        print(f"# {self.n - self.failed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def pg_error(session, statement, **params):
    """Run statement and return the PostgreSQL error it raises (psycopg2 diag), or None."""
    try:
        with session.begin_nested():
            session.execute(statement, params)
    except DBAPIError as e:
        return e.orig
    return None


class Explain(Executable, ClauseElement):
    """EXPLAIN of a statement, sent with the statement's own parameters."""
    inherit_cache = False

    def __init__(self, statement):
        self.statement = statement


@compiles(Explain, "postgresql")
def _compile_explain(element, compiler, **kw):
    """EXPLAIN followed by the statement, compiled by the same compiler."""
    return "EXPLAIN " + compiler.process(element.statement, **kw)


def plan_of(session, stmt):
    """EXPLAIN output of an ORM statement, as the application would run it."""
    return "\n".join(r[0] for r in session.execute(Explain(stmt)))


def main():
    host = os.environ.get("PGHOST", "/var/run/postgresql")
    port = os.environ.get("PGPORT", "5432")
    db = os.environ.get("PODREC_CLIENTS_DB", "podrec_clients")
    role = os.environ.get("PODREC_CLIENTS_ROLE", "clients_app_a")
    engine = create_engine(f"postgresql+psycopg2://{role}@/{db}?host={host}&port={port}", future=True)
    t = Tap()

    with Session(engine) as s:
        t.equal(s.execute(text("SELECT current_user, podrec.current_account()")).one(),
                (role, "acct_a"), "the application role acts for account A")

        # podrec.matches in WHERE: a text filter and a jsonb filter.
        code = 'barcode_scanning.barcode.code == "A0155C35"'
        rows = s.scalars(select(Item).where(func.podrec.matches(Item.doc, code))).all()
        t.equal([(i.account_id, i.doc["sku"]) for i in rows], [("acct_a", "A-0007")],
                "matches(doc, text) finds A's item with the barcode, not B's")
        heavy = cast({"weight": {"operator": "gte", "value": [1995]}}, JSONB)
        t.equal(s.scalars(select(Item.doc["sku"].astext).where(func.podrec.matches(Item.doc, heavy))
                          .order_by(Item.id)).all(),
                ["A-1995", "A-1996", "A-1997", "A-1998", "A-1999", "A-2000"],
                "matches(doc, jsonb) with an operator-map filter, in order")
        t.equal(s.execute(select(func.count()).select_from(Item)
                          .where(func.podrec.matches(Item.doc, "secret == \"beta only\""))).scalar(),
                0, "a filter on B's data finds nothing")
        t.equal(s.execute(select(Item.account_id, func.count()).group_by(Item.account_id)).all(),
                [("acct_a", 2000)], "counting by account: A's 2000 items only")

        # The GIN index serves matches() under row-level security.
        plan = plan_of(s, select(Item.uid).where(func.podrec.matches(Item.doc, 'sku == "A-0042"')))
        t.check("items_doc_idx" in plan and "Bitmap Index Scan" in plan,
                "EXPLAIN: a Bitmap Index Scan on items_doc_idx serves matches()", plan)
        t.check('"sku"' in plan and "A-0042" in plan, "EXPLAIN: the index condition is the filter's jsonpath", plan)
        plan = plan_of(s, select(Item.uid).where(func.podrec.matches(
            Item.doc, cast([{"field_id": "sku", "operator": "EQUAL", "value": "A-0042"}], JSONB))))
        t.check("items_doc_idx" in plan, "EXPLAIN: ...for a Tines filter (jsonb) too", plan)
        t.equal(s.scalars(select(Item.uid).where(func.podrec.matches(Item.doc, 'sku == "A-0042"'))).all(),
                [s.scalars(select(Item.uid).where(Item.doc["sku"].astext == "A-0042")).one()],
                "the indexed query finds the item")

        # The API view, mapped like a table.
        rec = s.scalars(select(ApiItem).where(
            ApiItem.record["barcode_scanning.barcode.code"].astext == "A0155C35")).all()
        t.equal([(r.account_id, r.record["scanner_account"], r.record["sku"]) for r in rec],
                [("acct_a", "Alpha Scans", "A-0007")], "podrec_api.items: the flat record, A's only")

        # Writes through podrec.item_put and items_put, mapped back to Item objects.
        put = select(Item).from_statement(text(
            "SELECT * FROM podrec.item_put(:flow, CAST(:doc AS jsonb), status => :status)"))
        item = s.scalars(put, {"flow": "flow_a1", "status": "in progress", "doc": json.dumps(
            {"_id": "67c861de20bb29fb40d2cb99", "created_at": "2025-03-05T14:38:22.903000",
             "barcode_scanning": [{"flow_step_id": "barcode", "code": "ORM-1"}]})}).one()
        t.equal((item.uid, item.account_id, item.flow_id, item.status, item.created_at.isoformat()),
                ("67c861de20bb29fb40d2cb99", "acct_a", "flow_a1", "in progress", "2025-03-05T14:38:22.903000+00:00"),
                "item_put stores an item and returns it as an Item")
        batch = s.scalars(select(Item).from_statement(text(
            "SELECT * FROM podrec.items_put(CAST(:docs AS jsonb), :flow)")),
            {"flow": "flow_a1", "docs": json.dumps([{"sku": "ORM-2"}, {"sku": "ORM-3"}])}).all()
        t.equal([(b.doc["sku"], b.account_id) for b in batch], [("ORM-2", "acct_a"), ("ORM-3", "acct_a")],
                "items_put stores a batch, in order")
        s.commit()
        t.equal(s.scalars(select(Item.doc["sku"].astext).where(
            func.podrec.matches(Item.doc, "sku =~ /^ORM-/")).order_by(Item.id)).all(),
            ["ORM-2", "ORM-3"], "the new items are found by matches()")

        # ORM updates stay inside the account.
        obj = s.scalars(select(Item).where(Item.uid == "67c861de20bb29fb40d2cb99")).one()
        obj.status = "completed"
        s.commit()
        t.equal(s.scalars(select(Item.status).where(Item.uid == "67c861de20bb29fb40d2cb99")).one(),
                "completed", "an ORM update of A's item")
        obj.account_id = "acct_b"
        obj.flow_id = "flow_b1"
        try:
            s.commit()
            moved = None
        except DBAPIError as e:
            moved = e.orig
            s.rollback()
        t.check(moved is not None and moved.pgcode == "42501"
                and "row-level security" in moved.diag.message_primary,
                "moving an item to account B is refused (42501, row-level security)", moved)

        err = pg_error(s, text("INSERT INTO podrec.items (uid, account_id, flow_id, created_at, updated_at, doc) "
                               "VALUES ('orm-b', 'acct_b', 'flow_b1', now(), now(), '{}')"))
        t.check(err is not None and err.pgcode == "42501", "inserting an item of account B is refused", err)
        err = pg_error(s, text("SELECT podrec.item_put('flow_b1', '{\"sku\": \"x\"}')"))
        t.check(err is not None and err.pgcode == "23503"
                and err.diag.message_primary == 'flow "flow_b1" does not exist',
                "item_put into B's flow: B's flow does not exist for A (23503)", err)
        t.equal(s.execute(text("UPDATE podrec.items SET status = 'error' WHERE account_id = 'acct_b'")).rowcount,
                0, "an UPDATE of B's rows touches none")
        s.rollback()

        # request.jwt.claims is PostgREST's; set by an application role it is ignored.
        s.execute(text("""SELECT set_config('request.jwt.claims', '{"role": "podrec_user", "account_id": "acct_b"}', false)"""))
        t.equal(s.execute(text("SELECT podrec.current_account()")).scalar(), "acct_a",
                "setting request.jwt.claims does not change the account")
        t.equal(s.execute(select(func.count()).select_from(Item).where(Item.account_id == "acct_b")).scalar(),
                0, "...nor what the application sees")
        err = pg_error(s, text("SET ROLE podrec_user"))
        t.check(err is not None and err.pgcode == "42501", "the application cannot become podrec_user", err)
        s.rollback()

        # Errors carry podrec's SQLSTATE, message, detail and hint.
        err = pg_error(s, select(Item.id).where(func.podrec.matches(Item.doc, "sku == ")))
        t.check(err is not None and err.pgcode == "42601" and err.diag.message_primary == "syntax error at end of filter"
                and err.diag.message_detail.startswith("At character 8 of the filter")
                and err.diag.message_hint is not None,
                "a bad filter: 42601 with message, detail and hint", err)
        err = pg_error(s, text("SELECT podrec.item_put('flow_a1', '{\"_id\": \"bad\"}')"))
        t.check(err is not None and err.pgcode == "22P02" and err.diag.message_primary == 'invalid _id: "bad"',
                "a bad item: 22P02 invalid _id", err)
        s.rollback()

    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
