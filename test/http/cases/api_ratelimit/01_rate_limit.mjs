// podrec.pre_request as PostgREST's db-pre-request, with podrec.rate_limit = 5 for this
// database (fixture_api_ratelimit.sql): each token and client address has 5 requests a
// minute; the 6th is refused with 429 and Retry-After. Budgets live in shared memory for
// a minute, so every run uses tokens (a jti claim) and addresses of its own.
import { randomBytes } from "node:crypto";

const LIMIT = 5;
const run = randomBytes(6).toString("hex");
const claimsA = { role: "podrec_user", account_id: "66826269369bbc3d56b479ce", jti: `a-${run}` };
const claimsB = { role: "podrec_user", account_id: "acct_beta", jti: `b-${run}` };
const [x, y] = randomBytes(2);
const address = `198.51.${x}.${y}`;
const range = (n) => [...Array(n).keys()];

export default [
	...range(LIMIT).map((i) => ({
		name: `request ${i + 1} of A's token is allowed; ${LIMIT - 1 - i} left`,
		path: "/items?select=uid&limit=1&order=uid",
		jwt: { claims: claimsA },
		expect: {
			status: 200,
			headers: { "X-RateLimit-Limit": String(LIMIT), "X-RateLimit-Remaining": String(LIMIT - 1 - i), "Retry-After": null },
			body: [{ uid: "67c861de20bb29fb40d2cb01" }],
		},
	})),
	{
		name: `request ${LIMIT + 1} of A's token is refused: 429 with Retry-After and a JSON body`,
		path: "/items?select=uid&limit=1&order=uid",
		jwt: { claims: claimsA },
		expect: {
			status: 429,
			headers: { "Retry-After": /^[0-9]+$/, "X-RateLimit-Limit": String(LIMIT), "X-RateLimit-Remaining": "0" },
			jsonSubset: {
				code: "PT429",
				message: "rate limit exceeded",
				details: `At most ${LIMIT} requests per 60 seconds are allowed for each token and client address.`,
				hint: /^Retry after [0-9]+ seconds\.$/,
			},
		},
	},
	{
		name: "every endpoint shares the budget: me is refused too",
		path: "/rpc/me",
		jwt: { claims: claimsA },
		expect: { status: 429, headers: { "Retry-After": /^[0-9]+$/ }, jsonSubset: { code: "PT429" } },
	},
	{
		name: "B's token has a budget of its own",
		path: "/rpc/me",
		jwt: { claims: claimsB },
		expect: {
			status: 200,
			headers: { "X-RateLimit-Remaining": String(LIMIT - 1) },
			body: { role: "podrec_user", account_id: "acct_beta", admin: false },
		},
	},
	{
		name: "A's token from another client address has a budget of its own",
		path: "/rpc/me",
		headers: { "X-Forwarded-For": `${address}, 10.0.0.1` },
		jwt: { claims: claimsA },
		expect: { status: 200, headers: { "X-RateLimit-Remaining": String(LIMIT - 1) } },
	},
	...range(LIMIT).map((i) => ({
		name: `anonymous request ${i + 1} from one address is allowed; ${LIMIT - 1 - i} left`,
		path: "/rpc/me",
		headers: { "X-Forwarded-For": address },
		expect: { status: 200, headers: { "X-RateLimit-Remaining": String(LIMIT - 1 - i) }, jsonSubset: { account_id: null } },
	})),
	{
		name: `anonymous request ${LIMIT + 1} from that address is refused (429), before the 401 it would get for items`,
		path: "/items",
		headers: { "X-Forwarded-For": address },
		expect: { status: 429, headers: { "Retry-After": /^[0-9]+$/ }, jsonSubset: { code: "PT429" } },
	},
];
