// Runs HTTP test cases against a running PostgREST and checks every answer.
//
//   node test/http/run-cases.mjs [--url URL] [--secret SECRET] PATH...
//
// PATH is a case file or a directory; a directory contributes its *.json, *.js, *.cjs and
// *.mjs files in name order. A file holds one case or an array of cases (a JS module
// exports it: module.exports = ... or export default ...). Cases run one after another,
// in order, so a case may rely on what an earlier one wrote. URL and SECRET default to
// $PODREC_HTTP_URL and $PODREC_PGRST_JWT_SECRET, which test/http/postgrest.sh writes to
// the env file of its state directory. Prints one line per case (ok / not ok), details of
// every failure and a summary; exits 1 when any case fails, 2 on bad usage.
//
// A case:
//   name     what the case shows (required)
//   method   HTTP method (default GET)
//   path     path and query string, as sent (required), e.g. "/things?color=eq.red"
//   headers  request headers, {"Prefer": "count=exact"}
//   body     request body: a string is sent as is; anything else as JSON, with
//            Content-Type: application/json unless headers set a Content-Type
//   jwt      {claims: {...}} signs an HS256 token with the test secret and sends it as
//            Authorization: Bearer; also secret (sign with another secret), expiresIn
//            (seconds from now, negative for an expired token), token (send this string)
//   expect   what the answer must be; every key is optional:
//     status       the status code
//     headers      {name: want}: names are case-insensitive; want is the exact value, a
//                  regular expression ({"regex": "...", "flags": "i"}, or a RegExp in JS
//                  modules), or null for "header absent"
//     body         the body as JSON, compared after parsing (key order does not matter)
//     rawBody      the body text, exactly
//     bodyContains a string, or an array of strings, that the body text must contain
//     jsonSubset   the parsed body must contain this: objects may have more keys,
//                  arrays must have the same length with every element matching,
//                  scalars must be equal (a RegExp, in JS modules, matches a string)
//     check        (JS modules) a function of the answer, {status, headers, text}, that
//                  returns the list of what is wrong with it (empty or nothing: right);
//                  for answers a case cannot know in advance, such as those of mutated
//                  requests
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";

const CASE_KEYS = new Set(["name", "method", "path", "headers", "body", "jwt", "expect"]);
const EXPECT_KEYS = new Set(["status", "headers", "body", "rawBody", "bodyContains", "jsonSubset", "check"]);
const JWT_KEYS = new Set(["claims", "secret", "expiresIn", "token"]);
const CASE_EXTENSIONS = new Set([".json", ".js", ".cjs", ".mjs"]);
const REQUEST_TIMEOUT_MS = 30000;
const SHOW_BODY_CHARS = 4000;

// Parses the command line into {url, secret, paths}; exits 2 on bad usage.
function parseArgs(argv) {
	const opts = { url: process.env.PODREC_HTTP_URL, secret: process.env.PODREC_PGRST_JWT_SECRET, paths: [] };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === "--url" || argv[i] === "--secret") {
			if (i + 1 >= argv.length) usage(`${argv[i]} needs a value`);
			opts[argv[i].slice(2)] = argv[++i];
		} else if (argv[i].startsWith("--")) {
			usage(`unknown option ${argv[i]}`);
		} else {
			opts.paths.push(argv[i]);
		}
	}
	if (!opts.url) usage("no server: pass --url or set PODREC_HTTP_URL");
	if (opts.paths.length === 0) usage("no case files given");
	return opts;
}

// Reports a usage error and exits 2.
function usage(message) {
	console.error(`run-cases: ${message}`);
	console.error("usage: node test/http/run-cases.mjs [--url URL] [--secret SECRET] PATH...");
	process.exit(2);
}

// Expands the given paths into case files: directories give their case files in name order.
function caseFiles(paths) {
	const files = [];
	for (const p of paths) {
		let isDir;
		try {
			isDir = statSync(p).isDirectory();
		} catch (e) {
			usage(`cannot read ${p}: ${e.code ?? e.message}`);
		}
		if (isDir) {
			for (const f of readdirSync(p).sort()) {
				if (CASE_EXTENSIONS.has(extname(f))) files.push(join(p, f));
			}
		} else {
			files.push(p);
		}
	}
	return files;
}

// Loads one case file and returns its cases as an array.
async function loadCases(file) {
	let loaded;
	if (extname(file) === ".json") {
		loaded = JSON.parse(readFileSync(file, "utf8"));
	} else {
		loaded = (await import(pathToFileURL(resolve(file)).href)).default;
	}
	return Array.isArray(loaded) ? loaded : [loaded];
}

// True for a JSON object (not null, not an array).
function isObject(v) {
	return v !== null && typeof v === "object" && !Array.isArray(v);
}

// Throws unless the case has a name, a path and only known keys.
function checkCase(c) {
	if (!isObject(c)) throw new Error("a case must be an object");
	for (const k of ["expect", "jwt", "headers"]) {
		if (c[k] !== undefined && !isObject(c[k])) throw new Error(`${k} must be an object`);
	}
	for (const [keys, obj, what] of [[CASE_KEYS, c, "case"], [EXPECT_KEYS, c.expect ?? {}, "expect"], [JWT_KEYS, c.jwt ?? {}, "jwt"]]) {
		for (const k of Object.keys(obj)) {
			if (!keys.has(k)) throw new Error(`unknown ${what} key "${k}"`);
		}
	}
	if (typeof c.name !== "string" || c.name === "") throw new Error("the case has no name");
	if (typeof c.path !== "string" || !/^\/(?!\/)/.test(c.path)) throw new Error("path must be a string that starts with one /");
	if (c.jwt && c.jwt.token === undefined && !isObject(c.jwt.claims)) {
		throw new Error("jwt needs claims (an object) or token");
	}
}

// Encodes a buffer or a JSON value as base64url.
function b64url(value) {
	const buf = Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value));
	return buf.toString("base64url");
}

// Signs claims as an HS256 JSON Web Token.
function signJwt(claims, secret) {
	const input = `${b64url({ alg: "HS256", typ: "JWT" })}.${b64url(claims)}`;
	return `${input}.${b64url(createHmac("sha256", secret).update(input).digest())}`;
}

// Builds the fetch arguments for a case: {url, init, shown} where shown describes the request.
function buildRequest(c, opts) {
	const headers = { ...(c.headers ?? {}) };
	const has = (name) => Object.keys(headers).some((h) => h.toLowerCase() === name);
	if (c.jwt) {
		if (has("authorization")) throw new Error("a case cannot have both jwt and an Authorization header");
		let token = c.jwt.token;
		if (token === undefined) {
			const secret = c.jwt.secret ?? opts.secret;
			if (!secret) throw new Error("the case needs a JWT: pass --secret or set PODREC_PGRST_JWT_SECRET");
			const claims = { ...c.jwt.claims };
			if (c.jwt.expiresIn !== undefined) claims.exp = Math.floor(Date.now() / 1000) + c.jwt.expiresIn;
			token = signJwt(claims, secret);
		}
		headers.Authorization = `Bearer ${token}`;
	}
	let body;
	if (c.body !== undefined) {
		if (typeof c.body === "string") {
			body = c.body;
		} else {
			body = JSON.stringify(c.body);
			if (!has("content-type")) headers["Content-Type"] = "application/json";
		}
	}
	const method = (c.method ?? "GET").toUpperCase();
	return {
		url: new URL(c.path, opts.url).href,
		init: { method, headers, body, redirect: "manual", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) },
		shown: { method, path: c.path, headers, body },
	};
}

// Turns an expected header value into a test function and a description.
function headerMatcher(want) {
	if (want === null) return { test: (v) => v === null, text: "absent" };
	if (typeof want === "string") return { test: (v) => v === want, text: JSON.stringify(want) };
	if (want instanceof RegExp) return { test: (v) => v !== null && want.test(v), text: String(want) };
	if (typeof want === "object" && typeof want.regex === "string") {
		const re = new RegExp(want.regex, want.flags ?? "");
		return { test: (v) => v !== null && re.test(v), text: String(re) };
	}
	throw new Error(`bad expected header value ${JSON.stringify(want)}`);
}

// True when actual contains expected (see jsonSubset above).
function isSubset(expected, actual) {
	if (expected instanceof RegExp) return typeof actual === "string" && expected.test(actual);
	if (Array.isArray(expected)) {
		return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => isSubset(e, actual[i]));
	}
	if (isObject(expected)) {
		return isObject(actual) && Object.keys(expected).every((k) => Object.hasOwn(actual, k) && isSubset(expected[k], actual[k]));
	}
	return Object.is(expected, actual);
}

// Compares an answer with a case's expectations; returns the list of mismatches.
function compare(expect, res) {
	const problems = [];
	if (expect.status !== undefined && res.status !== expect.status) {
		problems.push(`status: expected ${expect.status}, got ${res.status}`);
	}
	for (const [name, want] of Object.entries(expect.headers ?? {})) {
		const m = headerMatcher(want);
		const got = res.headers.get(name);
		if (!m.test(got)) problems.push(`header ${name}: expected ${m.text}, got ${got === null ? "nothing" : JSON.stringify(got)}`);
	}
	if (expect.check !== undefined) {
		if (typeof expect.check !== "function") throw new Error("check must be a function (in a JS module)");
		problems.push(...(expect.check(res) ?? []));
	}
	if (expect.rawBody !== undefined && res.text !== expect.rawBody) problems.push("body text differs from rawBody");
	for (const s of [expect.bodyContains ?? []].flat()) {
		if (!res.text.includes(s)) problems.push(`body does not contain ${JSON.stringify(s)}`);
	}
	if (expect.body !== undefined || expect.jsonSubset !== undefined) {
		let parsed;
		try {
			parsed = JSON.parse(res.text);
		} catch (e) {
			problems.push(`body is not JSON: ${e.message}`);
			return problems;
		}
		if (expect.body !== undefined && !isDeepStrictEqual(parsed, expect.body)) problems.push("body differs from the expected JSON");
		if (expect.jsonSubset !== undefined && !isSubset(expect.jsonSubset, parsed)) problems.push("body does not contain jsonSubset");
	}
	return problems;
}

// Serialises a value for diagnostics, showing regular expressions as /.../.
function show(value) {
	return JSON.stringify(value, (k, v) => (v instanceof RegExp ? String(v) : v), 2);
}

// Shortens long text for diagnostics, saying how much was left out.
function clip(text) {
	return text.length <= SHOW_BODY_CHARS ? text : `${text.slice(0, SHOW_BODY_CHARS)}\n... (${text.length - SHOW_BODY_CHARS} more characters)`;
}

// Prints text as comment lines under a heading.
function diag(heading, text) {
	const lines = String(text).split("\n");
	console.log(`#   ${heading.padEnd(9)} ${lines[0]}`);
	for (const l of lines.slice(1)) console.log(`#   ${"".padEnd(9)} ${l}`);
}

// Runs one case; returns true when it passed, after printing its line and any details.
async function runCase(n, label, c, opts) {
	let req;
	let res;
	let problems;
	try {
		checkCase(c);
		req = buildRequest(c, opts);
		const r = await fetch(req.url, req.init);
		res = { status: r.status, statusText: r.statusText, headers: r.headers, text: await r.text() };
		problems = compare(c.expect ?? {}, res);
	} catch (e) {
		problems = [`error: ${e.message}${e.cause ? ` (${e.cause.message ?? e.cause})` : ""}`];
	}
	if (problems.length === 0) {
		console.log(`ok ${n} - ${label}`);
		return true;
	}
	console.log(`not ok ${n} - ${label}`);
	for (const p of problems) diag("failed:", p);
	if (req) {
		diag("request:", `${req.shown.method} ${req.shown.path}`);
		if (Object.keys(req.shown.headers).length > 0) diag("headers:", show(req.shown.headers));
		if (req.shown.body !== undefined) diag("body:", req.shown.body);
	}
	if (c && c.expect !== undefined) diag("expected:", show(c.expect));
	if (res) {
		diag("actual:", `${res.status} ${res.statusText}`);
		diag("headers:", [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n"));
		diag("body:", clip(res.text));
	}
	return false;
}

// Loads every case file, runs the cases in order and prints a summary; returns the exit code.
async function main() {
	const opts = parseArgs(process.argv.slice(2));
	let n = 0;
	let failed = 0;
	for (const file of caseFiles(opts.paths)) {
		const where = relative(process.cwd(), file) || file;
		let cases;
		try {
			cases = await loadCases(file);
		} catch (e) {
			n++;
			failed++;
			console.log(`not ok ${n} - ${where}`);
			diag("failed:", `cannot load the case file: ${e.message}`);
			continue;
		}
		for (const [i, c] of cases.entries()) {
			n++;
			const label = `${where}${cases.length > 1 ? `[${i}]` : ""}: ${c?.name ?? "(no name)"}`;
			if (!(await runCase(n, label, c, opts))) failed++;
		}
	}
	console.log(`1..${n}`);
	console.log(`# ${n - failed} passed, ${failed} failed${n === 0 ? " (no cases found)" : ""}`);
	return failed === 0 && n > 0 ? 0 : 1;
}

process.exitCode = await main();
