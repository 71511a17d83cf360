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
