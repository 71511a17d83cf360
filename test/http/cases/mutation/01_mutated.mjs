// Mutated request bodies and query strings sent to every endpoint of podrec_api through
// PostgREST. Each endpoint starts from a valid request (the seeds' examples, fixture_mutation.sql)
// that is mutated, deterministically from PODREC_HTTP_MUTATION_SEED: JSON values of wrong
// types, extreme numbers, unicode and NUL escapes, separators, nesting thousands of levels
// deep, unknown and missing keys, truncated and byte-flipped bodies; query parameters
// given nasty values, bad percent-escapes, repeated, unknown or left out.
//
// Every answer must be a success (a mutation may still be a valid request) or a 4xx with
// a JSON error body whose code is a SQLSTATE (podrec's error, as podrec.http_status maps
// it), a PTnnn code (podrec's own HTTP errors) or a PGRSTnnn code (PostgREST refused the
// request before podrec saw it): never a 5xx, never a dropped connection, never a body
// that is not JSON. The last cases check that the server still answers, and print the
// figures.
//
//   PODREC_HTTP_MUTATION_N     mutated requests per endpoint (default 50)
//   PODREC_HTTP_MUTATION_SEED  seed of the mutations (default 9)

const N = Number(process.env.PODREC_HTTP_MUTATION_N ?? 50);
const SEED = Number(process.env.PODREC_HTTP_MUTATION_SEED ?? 9);

// mulberry32: a small seeded generator, so that a failing request can be sent again.
let state = SEED >>> 0;
function rand() {
	state = (state + 0x6d2b79f5) >>> 0;
	let t = state;
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];

const specials = [".", "\\", "/", '"', "'", "$", "@", "*", "?", "&", "|", "(", ")", "[", "]", "{", "}", ",", ":", "=", "!", "<", ">", "~", " ", "%", "#", "+", "\t", "\n", "\u0000"];
const unicode = ["\u00e9", "\u{1F600}", "\u202E", "\uFEFF", "\uFFFF", "e\u0301", "\u{10FFFF}", "\u3000", "\u{1D11E}"];
const numbers = ["1e308", "-1e309", "1e-400", "123456789012345678901234567890.123456789", "9223372036854775808",
	"-9223372036854775809", "2147483648", "-0", "4.9e-324", "1" + "0".repeat(400)];
const words = ["NaN", "Infinity", "true", "null", "", " ", "$", "$.**", "AGE", "EXISTS", "eq.", "or=(", "))))", "((((",
	"2025-13-45", "yesterday", "epoch", "infinity", "-1", "0", "00000000-0000-0000-0000-000000000000", "not-a-uuid"];

// A string that makes parsers work.
function nastyString() {
	const r = rand();
	if (r < 0.25) return pick(specials).repeat(1 + Math.floor(rand() * 5));
	if (r < 0.4) return Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(unicode)).join("");
	if (r < 0.5) return pick(numbers);
	if (r < 0.55) return "x".repeat(1000 + Math.floor(rand() * 20000));
	if (r < 0.75) return Array.from({ length: 1 + Math.floor(rand() * 5) }, () => pick(["a", "m", "s", "1", "0", "-1", ""])).join(pick([".", "\\.", "/", "..", ""]));
	return pick(words);
}

// A JSON value of a wrong or extreme type; RAW marks a number written as is.
const RAW = Symbol("raw");
function nastyValue() {
	const r = rand();
	if (r < 0.1) return true;
	if (r < 0.2) return null;
	if (r < 0.3) return [];
	if (r < 0.4) return {};
	if (r < 0.55) return { [RAW]: pick(numbers) };
	if (r < 0.6) return Array.from({ length: Math.floor(rand() * 3) }, () => nastyValue());
	if (r < 0.7) return { [nastyString()]: nastyString() };
	if (r < 0.8) return Math.floor(rand() * 100) - 50;
	return nastyString();
}

// Writes JSON, raw numbers as they are; without recursion, since mutations nest deep.
class Text {
	constructor(s) {
		this.s = s;
	}
}
function write(root) {
	const out = [];
	const todo = [root];
	while (todo.length > 0) {
		const v = todo.pop();
		if (v instanceof Text) out.push(v.s);
		else if (v !== null && typeof v === "object" && v[RAW] !== undefined) out.push(v[RAW]);
		else if (Array.isArray(v)) {
			todo.push(new Text("]"));
			for (let i = v.length - 1; i >= 0; i--) todo.push(v[i], new Text(i > 0 ? "," : ""));
			todo.push(new Text("["));
		} else if (v !== null && typeof v === "object") {
			const keys = Object.keys(v);
			todo.push(new Text("}"));
			for (let i = keys.length - 1; i >= 0; i--) todo.push(v[keys[i]], new Text(`${i > 0 ? "," : ""}${JSON.stringify(keys[i])}:`));
			todo.push(new Text("{"));
		} else out.push(JSON.stringify(v));
	}
	return out.join("");
}

// Every place in a JSON value: [container, key] pairs, the root as [holder, "v"].
function places(holder) {
	const out = [];
	// Not deeper than 64 levels: a nesting made by one mutation is wrapped by another at most.
	const walk = (obj, key, depth) => {
		out.push([obj, key]);
		const v = obj[key];
		if (depth < 64 && v !== null && typeof v === "object" && v[RAW] === undefined) for (const k of Object.keys(v)) walk(v, k, depth + 1);
	};
	walk(holder, "v", 0);
	return out;
}

const KEYS = ["flowId", "params", "filter", "limit", "after", "sort", "order", "unique_id", "input", "timestamp", "filters",
	"page", "page_size", "sort_by", "record_type_id", "per_page", "payload", "interval", "organization_id", "workflow_id", "step_data"];

// A structural mutation of a JSON value: the text of the result.
function mutateJson(value) {
	const holder = { v: structuredClone(value) };
	for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
		const all = places(holder);
		const [obj, key] = pick(all);
		const v = obj[key];
		const r = rand();
		if (r < 0.3) {
			obj[key] = nastyValue();
		} else if (r < 0.45) {
			let nested = v;
			const depth = pick([10, 100, 1000, 2000]);
			for (let i = 0; i < depth; i++) nested = rand() < 0.5 ? [nested] : { [pick(["a", "filter", "1", "."])]: nested };
			obj[key] = nested;
		} else if (r < 0.6 && v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0) {
			const k = pick(Object.keys(v));
			const moved = v[k];
			delete v[k];
			v[pick([`${k}.x`, `${k}\\`, "", `${k}\u0000`, `${k}\u{1F600}`, nastyString(), `${k}__x`])] = moved;
		} else if (r < 0.7 && v !== null && typeof v === "object" && !Array.isArray(v)) {
			v[pick([...KEYS, nastyString()])] = nastyValue();
		} else if (r < 0.8 && Array.isArray(v)) {
			if (v.length > 0) for (let i = Math.floor(rand() * 120); i > 0; i--) v.push(v[0]);
			else v.push(nastyValue());
		} else if (r < 0.9 && typeof v === "string") {
			obj[key] = v + pick(["\u0000", "\u0001", pick(unicode), "\\u0000", nastyString()]);
		} else if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0 && r < 0.95) {
			delete v[pick(Object.keys(v))];
		} else {
			obj[key] = nastyString();
		}
	}
	return write(holder.v);
}

// A byte-level mutation of a text: flips, truncation, inserted specials, duplicated spans.
function mutateText(text) {
	let s = text;
	for (let n = 1 + Math.floor(rand() * 4); n > 0; n--) {
		const r = rand();
		const p = Math.floor(rand() * (s.length + 1));
		if (r < 0.3 && s.length > 0) {
			const q = Math.min(p, s.length - 1);
			s = s.slice(0, q) + String.fromCharCode(s.charCodeAt(q) ^ (1 << Math.floor(rand() * 7))) + s.slice(q + 1);
		} else if (r < 0.5) {
			s = s.slice(0, p);
		} else if (r < 0.75) {
			s = s.slice(0, p) + pick([...specials, ...unicode, ...numbers]) + s.slice(p);
		} else {
			const l = Math.floor(rand() * (s.length - p + 1));
			s = s.slice(0, p) + s.slice(p, p + l).repeat(1 + Math.floor(rand() * 3)) + s.slice(p);
		}
	}
	return s;
}

// A mutated query string: [name, value] pairs changed, added, repeated or left out;
// values percent-encoded, or now and then written raw (below).
function mutateQuery(params) {
	const pairs = Object.entries(params).map(([k, v]) => [k, String(v)]);
	for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
		const r = rand();
		const i = Math.floor(rand() * pairs.length);
		if (r < 0.35 && pairs.length > 0) pairs[i][1] = nastyString();
		else if (r < 0.5 && pairs.length > 0) pairs[i][1] = mutateText(pairs[i][1]);
		else if (r < 0.6 && pairs.length > 0) pairs.splice(i, 1);
		else if (r < 0.7 && pairs.length > 0) pairs.push([pairs[i][0], nastyString()]);
		else if (r < 0.8) pairs.push([pick(["limit", "offset", "order", "select", "filter", "page", nastyString()]), nastyString()]);
		else if (r < 0.9 && pairs.length > 0) pairs[i][1] = `${pairs[i][1]}${pick(["%", "%zz", "%00", "%2", "&&", "=", "#", "%25", "%E2%80%AE"])}`;
		else if (pairs.length > 0) pairs[i][1] = mutateJsonText(pairs[i][1]);
	}
	return pairs
		.map(([k, v]) => (rand() < 0.1 ? `${k}=${raw(v)}` : `${encode(k)}=${encode(v)}`))
		.join("&");
}

// A mutated query string of at most MAX_QUERY characters: PostgREST's HTTP server answers
// a longer request line with a plain-text 400 of its own, before podrec is called.
const MAX_QUERY = 4096;
function mutateQueryShort(params) {
	for (let i = 0; i < 20; i++) {
		const q = mutateQuery(params);
		if (q.length <= MAX_QUERY) return q;
	}
	return new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
}

// A value written into the query string with the characters that structure one (%, +, &,
// =) left as they are: bad escapes, extra parameters, empty names. A % before a byte that
// is not ASCII is escaped all the same: PostgREST 12.0.2 answers a query string that
// decodes to invalid UTF-8 with a plain-text 500 of its own, before podrec is called.
function raw(v) {
	return encode(v).replace(/%(2[5BbDd6]|3[Dd])/g, (m) => decodeURIComponent(m)).replace(/%(?=[89A-Fa-f][0-9A-Fa-f])/g, "%25");
}

// Percent-encodes a text; a half of a surrogate pair (no UTF-8 has it) becomes U+FFFD.
function encode(s) {
	return encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD"));
}

// A value that holds JSON (filters) is mutated as JSON, anything else as text.
function mutateJsonText(text) {
	try {
		return mutateJson(JSON.parse(text));
	} catch {
		return mutateText(text);
	}
}

// The endpoints, each a valid request: method, path, query parameters or body, token, headers.
const alice = { claims: { role: "podrec_user", account_id: "alice" } };
const keywords = { claims: { role: "podrec_user", account_id: "keywords" } };
const seed000 = { claims: { role: "podrec_user", account_id: "66826269369bbc3d56b479ce" } };
const acme = { claims: { role: "podrec_user", account_id: "acme" } };
const example = { claims: { role: "podrec_user", account_id: "38d0571c-3693-4893-a888-6726d9e6f0e8" } };
const logs = { "X-Record-Type": "request_logs" };
const ENDPOINTS = [
	{ name: "GET /items", path: "/items", query: { select: "uid,doc", flow_id: "eq.APIDocsFlow1", "doc->>_id": "like.67c*", order: "created_at.desc", limit: 2 }, jwt: seed000 },
	{ name: "GET /rpc/me", path: "/rpc/me", query: {}, jwt: acme },
	{ name: "POST /rpc/mget", path: "/rpc/mget", jwt: alice, body: [
		{ flowId: "f54ad6428d4c6b0419a019285", params: { limit: 2 } },
		{ flowId: "f54aec5c7d4c6770dba95801b", params: { filter: "EXISTS elems.a", limit: 5, order: "asc", start_date: 1420740000000 } }] },
	{ name: "GET /rpc/records", path: "/rpc/records", query: { flow_id: "APIDocsFlow1", filter: "barcode_scanning.barcode.code == \"A0155C35\"", start_date: "2025-01-01T00:00:00Z", end_date: "2026-01-01", limit: 1 }, jwt: seed000 },
	{ name: "GET /rpc/records?join_by", path: "/rpc/records", query: { join_by: "barcode_scanning.barcode.code", filter: "EXISTS photographing", limit: 5 }, jwt: seed000 },
	{ name: "GET /rpc/records_list", path: "/rpc/records_list", jwt: acme, query: { record_type_id: 1, per_page: 2, page: 1, order_direction: "ASC",
		story_container_ids: "{story-1}", range_start: "2023-01-01T00:00:00Z", filters: JSON.stringify([{ field_id: "3", operator: "IS_ANY_OF", value: ["High", "Low"] }]) } },
	{ name: "POST /rpc/records_list", path: "/rpc/records_list", jwt: acme, body: { record_type_id: "1", record_field_ids: "3,2", per_page: "2",
		filters: [{ field_id: "2", operator: "GREATER_THAN", value: "2023-06-01T00:00:00Z" }] } },
	{ name: "POST /rpc/record_create", path: "/rpc/record_create", jwt: keywords, headers: logs, body: {
		unique_id: "log_mut", timestamp: "2025-01-01T10:30:00Z", log_type: "chat", model: "gpt-4o",
		input: "[{\"role\":\"user\",\"content\":\"Hi\"}]", output: "{\"role\":\"assistant\",\"content\":\"Hello\"}",
		usage: { prompt_tokens: 150, completion_tokens: 85 }, generation_time: 1.7, metadata: { environment: "production" },
		tools: [{ type: "function", function: { name: "f" } }], keywordsai_api_controls: { block: true } } },
	{ name: "POST /rpc/record_query", path: "/rpc/record_query", jwt: keywords, headers: logs, body: {
		start_time: "2025-01-01T00:00:00Z", sort_by: "-cost", page_size: 2, page: 1,
		filters: { cost: { operator: "gt", value: [0] }, metadata__environment: { operator: "in", value: ["production"] } } } },
	{ name: "GET /rpc/record_fetch", path: "/rpc/record_fetch", jwt: keywords, headers: logs, query: { unique_id: "log_mut" } },
	{ name: "POST /rpc/source_data", path: "/rpc/source_data", jwt: example, body: {
		organization_id: "38d0571c-3693-4893-a888-6726d9e6f0e8", workflow_id: "fef456f5-fbde-42d1-be16-797b6d621193",
		payload: { filters: [{ property: "label", values: ["6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d"] }], step_data: [{}, { actions: ["view-intro"] }],
			interval: { start: "2024-03-01T00:00:00Z", end: "2024-03-02T00:00:00Z" }, limit: 1000, target: "affected_goal", basic: true } } },
];

// What each endpoint answered: accepted, refused (by code), failed.
const tally = new Map(ENDPOINTS.map((e) => [e.name, { sent: 0, accepted: 0, refused: 0, failed: 0, codes: new Map() }]));

// The check of a mutated request's answer.
function checker(endpoint) {
	return (res) => {
		const t = tally.get(endpoint);
		t.sent++;
		const problems = [];
		if (res.status >= 200 && res.status < 300) {
			t.accepted++;
			return problems;
		}
		if (res.status < 400 || res.status > 499) problems.push(`status ${res.status}: only a success or a 4xx will do`);
		let body;
		try {
			body = JSON.parse(res.text);
		} catch (e) {
			problems.push(`the error body is not JSON: ${e.message}`);
		}
		const code = body !== null && typeof body === "object" ? body.code : undefined;
		if (body !== undefined && (typeof code !== "string" || !/^([0-9A-Z]{5}|PT[0-9]{3}|PGRST[0-9]{3})$/.test(code))) {
			problems.push(`the error body has no SQLSTATE, PTnnn or PGRSTnnn code: ${JSON.stringify(code)}`);
		} else if (typeof code === "string" && /^(XX|58)/.test(code)) {
			problems.push(`an internal error: ${code}`);
		}
		if (problems.length > 0) t.failed++;
		else {
			t.refused++;
			t.codes.set(`${res.status} ${code}`, (t.codes.get(`${res.status} ${code}`) ?? 0) + 1);
		}
		return problems;
	};
}

const cases = [];
for (const e of ENDPOINTS) {
	for (let i = 0; i < N; i++) {
		const c = { name: `${e.name}, mutation ${i + 1}`, jwt: e.jwt, headers: { ...(e.headers ?? {}) }, expect: { check: checker(e.name) } };
		if (e.body !== undefined) {
			c.method = "POST";
			c.path = e.path;
			const r = rand();
			c.body = r < 0.8 ? mutateJson(e.body) : mutateText(JSON.stringify(e.body));
			c.headers["Content-Type"] = "application/json";
		} else {
			c.path = `${e.path}?${mutateQueryShort(e.query)}`;
		}
		cases.push(c);
	}
}

// Afterwards: the server answers, each endpoint's valid request still works.
for (const e of ENDPOINTS) {
	const q = e.query ? new URLSearchParams(Object.entries(e.query).map(([k, v]) => [k, String(v)])).toString() : "";
	cases.push({
		name: `${e.name}: the valid request is still answered`,
		method: e.body !== undefined ? "POST" : "GET",
		path: e.body !== undefined ? e.path : `${e.path}${q ? `?${q}` : ""}`,
		jwt: e.jwt,
		headers: e.headers,
		body: e.body,
		expect: { check: (res) => (res.status >= 200 && res.status < 300 ? [] : [`status ${res.status}: ${res.text.slice(0, 300)}`]) },
	});
}
cases.push({
	name: "the figures",
	path: "/",
	expect: {
		check: () => {
			let sent = 0;
			let accepted = 0;
			let refused = 0;
			let failed = 0;
			for (const [name, t] of tally) {
				sent += t.sent;
				accepted += t.accepted;
				refused += t.refused;
				failed += t.failed;
				const codes = [...t.codes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} x${v}`).join(", ");
				console.log(`# ${name}: ${t.sent} mutated, ${t.accepted} accepted, ${t.refused} refused (${codes}), ${t.failed} failed`);
			}
			console.log(`# mutation over HTTP (seed ${SEED}, ${N} per endpoint): ${sent} requests to ${tally.size} endpoints, ${accepted} accepted, ${refused} refused with a 4xx and a code, ${failed} failed`);
			return [];
		},
	},
});

export default cases;
