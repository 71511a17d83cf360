-- Seed-shaped items for the benchmarks (seed 000: a completed run of a flow),
-- generated in the server.  Everything derives from the item number g through
-- hashes, so a table of n items is the same on every run, and its first m
-- items are the items of a table of m.
--
-- 50 flows.  Every flow scans a barcode and takes 1-3 photos; 4 flows in 5
-- measure dimensions (a nested dimensions object); every other flow asks
-- questions (nested answers, some of them null); 1 flow in 7 scans a second
-- barcode.  An item is about 1.1 kB of JSON and flattens to about 26 leaves.
-- Barcodes are unique (an A and 8 hexadecimal digits); the filter benchmarks
-- plant the seed's A0155C35 (8 characters, so no item has it) in 25 items
-- of each table (bench.py, Data).

CREATE SCHEMA bench;
COMMENT ON SCHEMA bench IS 'podrec benchmarks: generated items and baselines';

-- A deterministic pseudo-random integer in [0, m) for item g and draw k.
CREATE FUNCTION bench.rnd(g bigint, k int, m int) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT ((pg_catalog.hashint8(g * 64 + k) OPERATOR(pg_catalog.&) 2147483647) % m)::int $$;
COMMENT ON FUNCTION bench.rnd(bigint, int, int) IS 'deterministic pseudo-random integer in [0, m) for item g, draw k';

-- 8 hexadecimal digits for item g and draw k.
CREATE FUNCTION bench.hex8(g bigint, k int) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT pg_catalog.lpad(pg_catalog.to_hex(pg_catalog.hashint8(g * 64 + k)), 8, '0') $$;
COMMENT ON FUNCTION bench.hex8(bigint, int) IS '8 deterministic hexadecimal digits for item g, draw k';

-- A timestamp as the seed writes them: 2025-03-05T14:38:20.
CREATE FUNCTION bench.ts(t timestamp) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT pg_catalog.replace(t::text, ' ', 'T') $$;
COMMENT ON FUNCTION bench.ts(timestamp) IS 'a timestamp written as in seed 000';

-- Item number g.
CREATE FUNCTION bench.item(g bigint) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
	flow int := g % 50;
	t0 timestamp := timestamp '2025-03-05 08:00:00' + g * interval '7 seconds';
	account bigint := bench.rnd(g, 1, 20);
	acct text := bench.hex8(account, 1) || bench.hex8(account, 2) || bench.hex8(account, 3);
	photos text := '';
	s text;
BEGIN
	s := format('{"created_at": "%s", "updated_at": "%s", "_id": "%s", "started_at": "%s", '
		'"ended_at": "%s", "flow_id": "Flow%s", "scanner_account_id": "%s", "status": "completed", '
		'"barcode_scanning": [{"flow_step_id": "barcode", "started_at": "%s", "ended_at": "%s", "code": "%s"}',
		bench.ts(t0 + interval '12.903 seconds'), bench.ts(t0 + interval '12.903 seconds'),
		bench.hex8(g, 1) || bench.hex8(g, 2) || bench.hex8(g, 3),
		bench.ts(t0), bench.ts(t0 + interval '10 seconds'), flow, acct,
		bench.ts(t0), bench.ts(t0 + interval '5 seconds'),
		'A' || pg_catalog.upper(bench.hex8(g, 4)));
	IF flow % 7 = 0 THEN
		s := s || format(', {"flow_step_id": "barcode2", "started_at": "%s", "ended_at": "%s", "code": "B%s"}',
			bench.ts(t0 + interval '1 second'), bench.ts(t0 + interval '2 seconds'),
			pg_catalog.upper(bench.hex8(g, 5)));
	END IF;
	FOR p IN 1 .. 1 + bench.rnd(g, 6, 3) LOOP
		photos := photos || CASE WHEN p > 1 THEN ', ' ELSE '' END
			|| format('{"date": "%s", "url": "https://dimmy.s3.amazonaws.com/%s/%s"}',
				bench.ts(t0 + interval '10 seconds' - p * interval '1 second'), acct,
				bench.hex8(g, 10 + p) || bench.hex8(g, 20 + p) || bench.hex8(g, 30 + p));
	END LOOP;
	s := s || format('], "photographing": [{"flow_step_id": "picz", "started_at": "%s", "ended_at": "%s", "photos": [%s]}]',
		bench.ts(t0 + interval '5 seconds'), bench.ts(t0 + interval '10 seconds'), photos);
	IF flow % 5 <> 0 THEN
		s := s || format(', "dimensioning": [{"flow_step_id": "dims", "started_at": "%s", "ended_at": "%s", '
			'"mode": "MOD%s", "dimensions": {"width": %s, "height": %s, "depth": %s, "unit": "cm"}}]',
			bench.ts(t0 + interval '2 seconds'), bench.ts(t0 + interval '4 seconds'), 1 + flow % 3,
			100 + bench.rnd(g, 7, 900), 50 + bench.rnd(g, 8, 500), 10 + bench.rnd(g, 9, 300));
	END IF;
	IF flow % 2 = 0 THEN
		s := s || format(', "questions": [{"flow_step_id": "check", "started_at": "%s", "ended_at": "%s", '
			'"answers": {"damaged": %s, "notes": %s, "condition": {"grade": "%s", "score": %s, "checked_by": null}}}]',
			bench.ts(t0 + interval '8 seconds'), bench.ts(t0 + interval '9 seconds'),
			CASE WHEN bench.rnd(g, 40, 10) = 0 THEN 'true' ELSE 'false' END,
			CASE WHEN bench.rnd(g, 41, 4) = 0 THEN '"corner dented"' ELSE 'null' END,
			pg_catalog.substr('ABCD', 1 + bench.rnd(g, 42, 4), 1), 1 + bench.rnd(g, 43, 5));
	END IF;
	RETURN (s || '}')::jsonb;
END
$$;
COMMENT ON FUNCTION bench.item(bigint) IS 'seed-shaped item number g (about 1.1 kB, 26 leaves, 50 flows)';
