-- podrec demo: sample items and what podrec makes of them.
CREATE EXTENSION podrec;

\echo
\echo '== The raw item of seed 000 (a completed scanning flow), flattened =='
SELECT jsonb_pretty(podrec.records_flatten($item$
{
  "created_at": "2025-03-05T14:38:22.903000",
  "updated_at": "2025-03-05T14:38:22.903000",
  "_id": "67c861de20bb29fb40d2cbbd",
  "started_at": "2025-03-05T14:38:10",
  "ended_at": "2025-03-05T14:38:20",
  "flow_id": "APIDocsFlow1",
  "photographing": [{"flow_step_id": "picz", "started_at": "2025-03-05T14:38:15",
    "ended_at": "2025-03-05T14:38:20",
    "photos": [{"date": "2025-03-05T14:38:20",
      "url": "https://dimmy.s3.amazonaws.com/66826269369bbc3d56b479ce/67c861dc45b0e6fb32ff2ca1"}]}],
  "barcode_scanning": [{"flow_step_id": "barcode", "started_at": "2025-03-05T14:38:10",
    "ended_at": "2025-03-05T14:38:15", "code": "A0155C35"}]
}
$item$)) AS flat_record;

\echo '== One row per leaf, for column discovery =='
SELECT key, value
FROM podrec.records_flatten_each($item$
{"flow_id": "Dims", "dimensioning": [{"flow_step_id": "dims", "mode": "MOD2",
  "dimensions": {"width": 31.5, "height": 12, "depth": 20, "unit": "cm"}}],
  "photographing": [{"flow_step_id": "front", "photos": [{"url": "a.jpg"}, {"url": "b.jpg"}]}]}
$item$);

\echo '== And back: records_unflatten inverts records_flatten =='
SELECT podrec.records_unflatten(podrec.records_flatten(item)) = item AS round_trip
FROM (SELECT '{"flow_id": "Dims", "dimensioning": [{"flow_step_id": "dims", "dimensions": {"width": 31.5}}]}'::jsonb AS item) AS sample;

\echo
\echo '== The store: an account, a flow, and items ingested from raw items and drops =='
SET TimeZone = 'UTC';
SELECT id, name FROM podrec.account_put('66826269369bbc3d56b479ce', 'optioryx_admin');
SELECT id, account_id FROM podrec.flow_put('APIDocsFlow1', '66826269369bbc3d56b479ce');
SELECT uid, flow_id, created_at, status
FROM podrec.items_put((
	SELECT jsonb_agg(jsonb_build_object(
		'_id', podrec.uid_new(),
		'flow_id', 'APIDocsFlow1',
		'scanner_account_id', '66826269369bbc3d56b479ce',
		'created_at', to_char(timestamptz '2025-03-05 14:00:00+00' + n * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS'),
		'barcode_scanning', jsonb_build_array(jsonb_build_object('flow_step_id', 'barcode', 'code', 'A' || lpad(n::text, 7, '0'))),
		'dimensions', jsonb_build_object('weight', n * 1.5, 'unit', 'kg')))
	FROM generate_series(1, 5) AS n))
ORDER BY created_at;

\echo '== Filters in four dialects, over the raw items =='
SELECT uid, podrec.flat_get(doc, 'barcode_scanning.barcode.code') AS code
FROM podrec.items WHERE podrec.matches(doc, 'dimensions.weight > 4 && barcode_scanning.barcode.code =~ /^A0+[45]$/');
SELECT count(*) FROM podrec.items
WHERE podrec.matches(doc, '[{"field_id": "dimensions.weight", "operator": "GREATER_THAN", "value": 4}]'::jsonb);
SELECT count(*) FROM podrec.items WHERE podrec.matches(doc, '{"dimensions__weight": {"operator": "gt", "value": [4]}}'::jsonb);
SELECT count(*) FROM podrec.items WHERE podrec.matches(doc, 'dimensions.weight=gt.4&dimensions.unit=eq.kg');
\echo '== ... compiled to jsonpath, which the GIN index serves =='
SELECT podrec.filter_compile('barcode_scanning.barcode.code == "A0000003"');
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT uid FROM podrec.items WHERE podrec.matches(doc, 'barcode_scanning.barcode.code == "A0000003"');
RESET enable_seqscan;

\echo '== Record types and the Tines record list (seed 001) =='
SELECT id FROM podrec.flow_put('story-1', '66826269369bbc3d56b479ce', 'Create new issue');
SELECT podrec.record_type_create('Alerts', '[{"name": "Alert", "result_type": "TEXT_ENUM", "fixed_values": ["High", "Medium", "Low"]}]',
	'66826269369bbc3d56b479ce') ->> 'id' AS record_type_id \gset
SELECT count(*) FROM podrec.records_create(:record_type_id, '[{"Alert": "High"}, {"Alert": "Medium"}, {"Alert": "Low"}]', 'story-1');
\pset format unaligned
SELECT jsonb_pretty(podrec.records_list(jsonb_build_object('record_type_id', :record_type_id, 'per_page', 2,
	'filters', '[{"field_id": "Alert", "operator": "IS_ANY_OF", "value": ["High", "Low"]}]'::jsonb)));
\pset format aligned
