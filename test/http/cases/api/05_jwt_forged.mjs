// Tokens that only a forger would send: a valid token of account A whose payload is swapped
// for one naming account B (the signature no longer matches), and a token re-signed by
// the forger. They are built here because they depend on the server's secret.
import { createHmac } from "node:crypto";

const secret = process.env.PODREC_PGRST_JWT_SECRET;
const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
const sign = (input, key) => createHmac("sha256", key).update(input).digest("base64url");
const header = b64({ alg: "HS256", typ: "JWT" });
const payloadA = b64({ role: "podrec_user", account_id: "66826269369bbc3d56b479ce" });
const payloadB = b64({ role: "podrec_user", account_id: "acct_beta" });
const tokenA = `${header}.${payloadA}.${sign(`${header}.${payloadA}`, secret)}`;
const swapped = `${header}.${payloadB}.${tokenA.split(".")[2]}`;
const hs512 = b64({ alg: "HS512", typ: "JWT" });

export default [
	{
		name: "A's genuine token works",
		path: "/rpc/me",
		jwt: { token: tokenA },
		expect: { status: 200, body: { role: "podrec_user", account_id: "66826269369bbc3d56b479ce", admin: false } },
	},
	{
		name: "A's signature on B's payload is refused (401)",
		path: "/items?select=uid",
		jwt: { token: swapped },
		expect: { status: 401, body: { code: "PGRST301", message: "JWSError JWSInvalidSignature", details: null, hint: null } },
	},
	{
		name: "A's token with its signature cut off is refused (401)",
		path: "/items?select=uid",
		jwt: { token: `${header}.${payloadA}.` },
		expect: { status: 401, jsonSubset: { code: "PGRST301" } },
	},
	{
		name: "a token naming another algorithm with A's signature is refused (401)",
		path: "/items?select=uid",
		jwt: { token: `${hs512}.${payloadB}.${tokenA.split(".")[2]}` },
		expect: { status: 401, jsonSubset: { code: "PGRST301" } },
	},
];
