/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oci_json_set (specs/jsplice.c): one value changed or inserted, every other
 * byte of the document kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specs/spec.h"
#include "tap.h"

static char *set(const char *doc, const char *const *path, size_t depth, const char *value)
{
	char *out = NULL;
	size_t n = 0;
	vps_err e = {0};
	if (oci_json_set(doc, strlen(doc), path, depth, value, &out, &n, &e) < 0) {
		printf("# error: %s\n", e.msg);
		return NULL;
	}
	ok(n == strlen(out), "length matches");
	return out;
}

static void expect(const char *doc, const char *const *path, size_t depth, const char *value,
		   const char *want)
{
	char *out = set(doc, path, depth, value);
	is_str(out ? out : "(error)", want, "set .%s in %s", path[depth - 1], doc);
	free(out);
}

static const char *const lim[] = {"linux", "resources", "memory", "limit"};

int main(void)
{
	/* replaced in place: spaces, odd number forms, other members untouched */
	expect("{\n  \"linux\" :{\"resources\": {\"memory\": {\"limit\" :  1.0e3 , \"swap\":5}}},"
	       "\"x\":\"a\\\"}\"\n}\n",
	       lim, 4, "42",
	       "{\n  \"linux\" :{\"resources\": {\"memory\": {\"limit\" :  42 , \"swap\":5}}},"
	       "\"x\":\"a\\\"}\"\n}\n");
	/* missing leaf: inserted first, indented like its siblings */
	expect("{\n\t\"linux\": {\n\t\t\"resources\": {\n\t\t\t\"pids\": {}\n\t\t}\n\t}\n}", lim, 4,
	       "7",
	       "{\n\t\"linux\": {\n\t\t\"resources\": {\n\t\t\t\"memory\": {\"limit\": 7},\n\t\t\t"
	       "\"pids\": {}\n\t\t}\n\t}\n}");
	/* an empty object, and a one-line object */
	expect("{\"linux\":{}}", lim, 4, "1",
	       "{\"linux\":{\"resources\": {\"memory\": {\"limit\": 1}}}}");
	const char *const q[] = {"a", "b"};
	expect("{\"a\":{\"c\":1}}", q, 2, "2", "{\"a\":{\"b\": 2, \"c\":1}}");
	/* the last of duplicate keys is the one json-c reads: that one changes */
	expect("{\"a\":{\"b\":1,\"b\":3}}", q, 2, "9", "{\"a\":{\"b\":1,\"b\":9}}");
	/* a key with a dot, a string value */
	const char *const ann[] = {"annotations", "org.vps.net.ip"};
	expect("{\"annotations\": {\"org.vps.name\": \"w\", \"org.vps.net.ip\": \"auto\"}}", ann, 2,
	       "\"10.0.0.2/24\"",
	       "{\"annotations\": {\"org.vps.name\": \"w\", \"org.vps.net.ip\": \"10.0.0.2/24\"}}");
	/* refused: a path through a non-object, broken documents, an escaped key */
	const char *bad[] = {"{\"linux\": 5}", "{\"linux\": {\"resources\": [1]}}",
			     "{\"linux\": {",  "[1]",
			     "{\"linux\" 3}",  "{\"a\":{\"\\u0062\":1}}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *out = NULL;
		size_t n;
		vps_err e = {0};
		const char *const *p = i == 5 ? q : lim;
		int r = oci_json_set(bad[i], strlen(bad[i]), p, i == 5 ? 2 : 4, "2", &out, &n, &e);
		ok(r < 0 && !out && e.msg[0], "refused %s: %s", bad[i], e.msg);
	}
	/* deep nesting is bounded, not recursed without end */
	char deep[400];
	memset(deep, '[', 300);
	strcpy(deep + 300, "]");
	char doc[500];
	snprintf(doc, sizeof(doc), "{\"x\": %s, \"linux\": 1}", deep);
	char *out = NULL;
	size_t n;
	vps_err e = {0};
	ok(oci_json_set(doc, strlen(doc), lim, 4, "1", &out, &n, &e) < 0,
	   "300 nested arrays refused");
	done_testing();
}
