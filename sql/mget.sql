-- The multi-flow find of seed 002: podrec.mget, podrec.as_drop, podrec.mget_response

SET TimeZone = 'UTC';
\set SHOW_CONTEXT never

-- The two flows of seed 002 and their drops, as the seed's responses show them.
SELECT podrec.account_put('alice') IS NOT NULL AS alice;
SELECT id, path FROM podrec.flow_put('f54ad6428d4c6b0419a019285', 'alice', 'inbox', '/alice/:inbox');
SELECT id, path FROM podrec.flow_put('f54aec5c7d4c6770dba95801b', 'alice', 'drinks', '/alice/drinks');
SELECT id FROM podrec.flow_put('empty-flow', 'alice');
SELECT uid FROM podrec.items_put($$[
{"id": "d54ad9d8bd4c68117a914ba25", "flowId": "f54ad6428d4c6b0419a019285", "creationDate": 1420664203776, "path": "/alice/:inbox",
 "elems": {"namespacesAffected": ["alice"], "kind": "NOTIFICATION", "action": "CREATE", "details": {"summary": {"path": "/alice/sensor2"}},
   "user": {"name": "alice", "id": "i54ad6428d4c6b0419a01927f"}, "object": {"kind": "FLOW", "id": "f54ad9d8bd4c68117a914ba24"}}},
{"id": "d54aec650d4c6770dba958025", "flowId": "f54aec5c7d4c6770dba95801b", "creationDate": 1420740176213, "path": "/alice/drinks", "elems": {"a": 2}},
{"id": "d54aec5dcd4c6770dba958020", "flowId": "f54aec5c7d4c6770dba95801b", "creationDate": 1420740060915, "path": "/alice/drinks", "elems": {"a": 1}},
{"id": "d54aec5dcd4c6770dba958010", "flowId": "f54aec5c7d4c6770dba95801b", "creationDate": 1420740000000, "path": "/alice/drinks", "elems": {"b": 1}}
]$$);

-- The seed's request: rows in request order, ord the rank within the flow.
SELECT flow_id, ord, (item).uid, (item).created_at FROM podrec.mget($$[
  {"flowId": "f54ad6428d4c6b0419a019285", "params": {"limit": 2}},
  {"flowId": "f54aec5c7d4c6770dba95801b", "params": {"filter": "EXISTS elems.a", "limit": 5}}
]$$);
-- params may be missing or null; every find parameter works per request.
SELECT flow_id, ord, (item).uid FROM podrec.mget($$[
  {"flowId": "f54aec5c7d4c6770dba95801b", "params": {"order": "asc", "skip": 1}},
  {"flowId": "f54ad6428d4c6b0419a019285"},
  {"flowId": "empty-flow", "params": null}
]$$);
SELECT count(*) FROM podrec.mget('[]');

-- A drop: the seed's five keys.
SELECT podrec.as_drop(i) FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"limit": 1}') AS i;
-- A raw item as a drop: its flow's path (null without one), the whole item as elems.
SELECT podrec.as_drop(i) - 'id' - 'creationDate' #- '{elems,_id}' AS drop FROM podrec.item_put('empty-flow', '{"created_at": "2025-03-05T14:38:22Z", "code": "A0155C35"}') AS i;

-- The seed's two example responses, exactly (as JSON values).
SELECT jsonb_pretty(podrec.mget_response($$[
  {"flowId": "f54ad6428d4c6b0419a019285", "params": {"limit": 2}},
  {"flowId": "f54aec5c7d4c6770dba95801b", "params": {"filter": "EXISTS elems.a", "limit": 5}}
]$$));
SELECT podrec.mget_response($$[
  {"flowId": "f54ad6428d4c6b0419a019285", "params": {"limit": 2}},
  {"flowId": "f54aec5c7d4c6770dba95801b", "params": {"filter": "EXISTS elems.a", "limit": 5}}
]$$) = $${
  "head": {"status": 200, "ok": true, "messages": [ ], "errors": [ ], "references": { }},
  "body": {
    "f54ad6428d4c6b0419a019285": [ {
      "id": "d54ad9d8bd4c68117a914ba25",
      "flowId": "f54ad6428d4c6b0419a019285",
      "creationDate": 1420664203776,
      "path": "/alice/:inbox",
      "elems": {
        "namespacesAffected": [ "alice" ],
        "kind": "NOTIFICATION",
        "action": "CREATE",
        "details": {"summary": {"path": "/alice/sensor2"}},
        "user": {"name": "alice", "id": "i54ad6428d4c6b0419a01927f"},
        "object": {"kind": "FLOW", "id": "f54ad9d8bd4c68117a914ba24"}
      }
    } ],
    "f54aec5c7d4c6770dba95801b": [ {
      "id": "d54aec650d4c6770dba958025",
      "flowId": "f54aec5c7d4c6770dba95801b",
      "creationDate": 1420740176213,
      "path": "/alice/drinks",
      "elems": {"a": 2}
    }, {
      "id": "d54aec5dcd4c6770dba958020",
      "flowId": "f54aec5c7d4c6770dba95801b",
      "creationDate": 1420740060915,
      "path": "/alice/drinks",
      "elems": {"a": 1}
    } ]
  }
}$$::jsonb AS nested_is_the_seeds;
SELECT jsonb_pretty(podrec.mget_response($$[
  {"flowId": "f54ad6428d4c6b0419a019285", "params": {"limit": 2}},
  {"flowId": "f54aec5c7d4c6770dba95801b", "params": {"filter": "EXISTS elems.a", "limit": 5}}
]$$, 'flat') -> 'body');
SELECT podrec.mget_response($$[
  {"flowId": "f54ad6428d4c6b0419a019285", "params": {"limit": 2}},
  {"flowId": "f54aec5c7d4c6770dba95801b", "params": {"filter": "EXISTS elems.a", "limit": 5}}
]$$, 'flat') = $${
  "head": {"status": 200, "ok": true, "messages": [ ], "errors": [ ], "references": { }},
  "body": [
    {
      "id": "d54ad9d8bd4c68117a914ba25",
      "flowId": "f54ad6428d4c6b0419a019285",
      "creationDate": 1420664203776,
      "path": "/alice/:inbox",
      "elems": {
        "namespacesAffected": [ "alice" ],
        "kind": "NOTIFICATION",
        "action": "CREATE",
        "details": {"summary": {"path": "/alice/sensor2"}},
        "user": {"name": "alice", "id": "i54ad6428d4c6b0419a01927f"},
        "object": {"kind": "FLOW", "id": "f54ad9d8bd4c68117a914ba24"}
      }
    },
    {
      "id": "d54aec650d4c6770dba958025",
      "flowId": "f54aec5c7d4c6770dba95801b",
      "creationDate": 1420740176213,
      "path": "/alice/drinks",
      "elems": {"a": 2}
    },
    {
      "id": "d54aec5dcd4c6770dba958020",
      "flowId": "f54aec5c7d4c6770dba95801b",
      "creationDate": 1420740060915,
      "path": "/alice/drinks",
      "elems": {"a": 1}
  } ]
}$$::jsonb AS flat_is_the_seeds;
-- A flow with nothing to show is an empty array; an empty body an empty object.
SELECT podrec.mget_response('[{"flowId": "empty-flow", "params": {"filter": "EXISTS elems"}}]') -> 'body' AS nested,
	podrec.mget_response('[{"flowId": "empty-flow", "params": {"filter": "EXISTS elems"}}]', 'flat') -> 'body' AS flat,
	podrec.mget_response('[]') -> 'body' AS no_requests;

-- ---------------------------------------------------------------------
-- Bad bodies: the error names the request; nothing is returned
-- ---------------------------------------------------------------------
SELECT * FROM podrec.mget(NULL);
SELECT * FROM podrec.mget('{"flowId": "f54ad6428d4c6b0419a019285"}');
SELECT * FROM podrec.mget('"f54ad6428d4c6b0419a019285"');
SELECT * FROM podrec.mget('[{"flowId": "f54ad6428d4c6b0419a019285"}, {"flowId": "f54aec5c7d4c6770dba95801b"}, {"params": {}}]');
SELECT * FROM podrec.mget('[{"flowId": "f54ad6428d4c6b0419a019285"}, 7]');
SELECT * FROM podrec.mget('[{"flowId": 7}]');
SELECT * FROM podrec.mget('[{"flowId": "f54ad6428d4c6b0419a019285", "param": {}}]');
SELECT * FROM podrec.mget('[{"flowId": "f54ad6428d4c6b0419a019285", "params": [1]}]');
SELECT * FROM podrec.mget('[{"flowId": "f54ad6428d4c6b0419a019285"}, {"flowId": "f54ad6428d4c6b0419a019285", "params": {"skip": 1}}]');
SELECT * FROM podrec.mget('[{"flowId": "f54ad6428d4c6b0419a019285"}, {"flowId": "nope"}]');
SELECT * FROM podrec.mget('[{"flowId": "f54ad6428d4c6b0419a019285"}, {"flowId": "f54aec5c7d4c6770dba95801b", "params": {"limit": -1}}]');
SELECT * FROM podrec.mget('[{"flowId": "f54ad6428d4c6b0419a019285", "params": {"limit": 5000}}]');
SELECT * FROM podrec.mget('[{"flowId": "f54ad6428d4c6b0419a019285", "params": {"lmit": 5}}]');
SELECT * FROM podrec.mget('[{"flowId": "f54ad6428d4c6b0419a019285"}, {"flowId": "f54aec5c7d4c6770dba95801b", "params": {"filter": "EXISTS ("}}]');
SELECT * FROM podrec.mget('[{"flowId": "f54ad6428d4c6b0419a019285", "params": {"after": "xyz"}}]');
SELECT * FROM podrec.mget((SELECT jsonb_agg(jsonb_build_object('flowId', 'f' || g)) FROM generate_series(1, 101) AS g));
SELECT podrec.mget_response('[]', 'nested');

-- Tenancy: a tenant's mget sees its own flows; another account's flow does not exist.
SELECT podrec.account_put('bob') IS NOT NULL AS bob;
SELECT id FROM podrec.flow_put('bob-flow', 'bob');
SELECT uid FROM podrec.item_put('bob-flow', '{"id": "d54aec5dcd4c6770dba958777", "creationDate": 1420740000000, "elems": {"a": 7}}');
CREATE ROLE regress_mget_alice IN ROLE podrec_app;
INSERT INTO podrec.account_roles (role_name, account_id) VALUES ('regress_mget_alice', 'alice');
SET ROLE regress_mget_alice;
SELECT flow_id, ord, (item).uid FROM podrec.mget('[{"flowId": "f54aec5c7d4c6770dba95801b", "params": {"limit": 1}}]');
SELECT * FROM podrec.mget('[{"flowId": "f54aec5c7d4c6770dba95801b"}, {"flowId": "bob-flow"}]');
SELECT podrec.mget_response('[{"flowId": "bob-flow"}]');
RESET ROLE;
SELECT flow_id, ord, (item).uid FROM podrec.mget('[{"flowId": "bob-flow"}]');

-- Clean up for the tests that follow.
DELETE FROM podrec.account_roles WHERE role_name = 'regress_mget_alice';
DROP ROLE regress_mget_alice;
DELETE FROM podrec.items WHERE account_id IN ('alice', 'bob');
DELETE FROM podrec.flows WHERE account_id IN ('alice', 'bob');
DELETE FROM podrec.accounts WHERE id IN ('alice', 'bob');
