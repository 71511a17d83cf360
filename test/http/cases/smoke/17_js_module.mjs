// Cases may be JS modules: regular expressions then work in headers and in jsonSubset.
export default [
	{
		name: "Content-Location echoes the query string, sorted by name",
		path: "/things?select=id&order=id&limit=1&color=eq.blue",
		expect: {
			status: 200,
			headers: { "Content-Location": "/things?color=eq.blue&limit=1&order=id&select=id", "Content-Type": /^application\/json\b/ },
			body: [{ id: 2 }],
		},
	},
	{
		name: "OpenAPI of PostgREST 12.0.2 lists GET for a VOLATILE function too (13.0.5 drops it)",
		path: "/",
		expect: {
			status: 200,
			jsonSubset: {
				paths: {
					"/rpc/add_note": {
						get: { summary: /^Writes a note/ },
						post: { summary: /^Writes a note/ },
					},
				},
			},
		},
	},
];
