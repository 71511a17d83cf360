// check (JS modules only): a problem it returns fails the case, and so does a check that
// is not a function.
export default [
	{ name: "check returns a problem", path: "/", expect: { check: () => ["the answer is wrong"] } },
	{ name: "check that is not a function", path: "/", expect: { check: "status 200" } },
];
