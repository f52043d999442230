/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Edit one value of a JSON document in place, keeping every other byte: the
 * value's bytes are replaced, or a missing member is inserted at the front of
 * the deepest object that exists, with that object's own indentation. json-c
 * cannot do this (it re-serializes the whole document, reordering nothing but
 * changing whitespace, number forms and escapes), and an operator's
 * config.json must stay theirs except for what `vps set` was asked to change.
 * The edit is verified by parsing the result with json-c. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specs/spec.h"
#include "util/cleanup.h"

#define SPLICE_MAX_DEPTH 64

struct scan {
	const char *s;
	size_t len, pos;
};

static void ws(struct scan *c)
{
	while (c->pos < c->len && strchr(" \t\r\n", c->s[c->pos]) && c->s[c->pos])
		c->pos++;
}

static int skip_string(struct scan *c)
{
	if (c->pos >= c->len || c->s[c->pos] != '"')
		return -1;
	for (c->pos++; c->pos < c->len;) {
		char ch = c->s[c->pos++];
		if (ch == '\\')
			c->pos++;
		else if (ch == '"')
			return 0;
	}
	return -1;
}

static int skip_value(struct scan *c, unsigned depth);

/* The members or elements of the object/array at c->pos. */
static int skip_container(struct scan *c, unsigned depth)
{
	bool obj = c->s[c->pos] == '{';
	char close = obj ? '}' : ']';
	if (depth >= SPLICE_MAX_DEPTH)
		return -1;
	c->pos++;
	ws(c);
	if (c->pos < c->len && c->s[c->pos] == close) {
		c->pos++;
		return 0;
	}
	while (c->pos < c->len) {
		if (obj) {
			if (skip_string(c) < 0)
				return -1;
			ws(c);
			if (c->pos >= c->len || c->s[c->pos++] != ':')
				return -1;
		}
		if (skip_value(c, depth + 1) < 0)
			return -1;
		ws(c);
		if (c->pos < c->len && c->s[c->pos] == ',') {
			c->pos++;
			ws(c);
		} else if (c->pos < c->len && c->s[c->pos] == close) {
			c->pos++;
			return 0;
		} else
			return -1;
	}
	return -1;
}

static int skip_value(struct scan *c, unsigned depth)
{
	ws(c);
	if (c->pos >= c->len)
		return -1;
	char ch = c->s[c->pos];
	if (ch == '"')
		return skip_string(c);
	if (ch == '{' || ch == '[')
		return skip_container(c, depth);
	size_t start = c->pos;
	while (c->pos < c->len && !strchr(",]} \t\r\n", c->s[c->pos]))
		c->pos++;
	return c->pos > start ? 0 : -1;
}

/* In the object at c->pos: the span of the last member named key (*vs, *ve;
 * 0 when absent) and where its first member starts (*first; its '}' when empty). */
static int find_member(struct scan *c, const char *key, size_t *vs, size_t *ve, size_t *first)
{
	size_t klen = strlen(key);
	*vs = *ve = 0;
	c->pos++;
	ws(c);
	*first = c->pos;
	if (c->pos < c->len && c->s[c->pos] == '}')
		return 0;
	while (c->pos < c->len) {
		size_t ks = c->pos + 1;
		if (skip_string(c) < 0)
			return -1;
		bool match = c->pos - 1 - ks == klen && memcmp(c->s + ks, key, klen) == 0;
		ws(c);
		if (c->pos >= c->len || c->s[c->pos++] != ':')
			return -1;
		ws(c);
		size_t start = c->pos;
		if (skip_value(c, 1) < 0)
			return -1;
		if (match) {
			*vs = start;
			*ve = c->pos;
		}
		ws(c);
		if (c->pos < c->len && c->s[c->pos] == ',') {
			c->pos++;
			ws(c);
		} else if (c->pos < c->len && c->s[c->pos] == '}')
			return 0;
		else
			return -1;
	}
	return -1;
}

/* text[0..at) + ins + text[from..len) */
static char *splice(const char *text, size_t len, size_t at, size_t from, const char *ins,
		    size_t *outlen)
{
	size_t il = strlen(ins);
	char *out = malloc(len - (from - at) + il + 1);
	if (!out)
		return NULL;
	memcpy(out, text, at);
	memcpy(out + at, ins, il);
	memcpy(out + at + il, text + from, len - from);
	*outlen = len - (from - at) + il;
	out[*outlen] = '\0';
	return out;
}

/* `"k1": {"k2": ... VALUE}` for the members path[i..depth) that do not exist. */
static char *nested(const char *const *path, size_t i, size_t depth, const char *value)
{
	char *v = strdup(value);
	for (size_t j = depth; v && j-- > i;) {
		char *w = NULL;
		if (asprintf(&w, j == i ? "\"%s\": %s" : "{\"%s\": %s}", path[j], v) < 0)
			w = NULL;
		free(v);
		v = w;
	}
	return v;
}

/* The result holds value at path (json-c's reading: the last duplicate wins). */
static bool verify(const char *out, const char *const *path, size_t depth, const char *value)
{
	json_object *doc = json_tokener_parse(out), *want = json_tokener_parse(value);
	json_object *cur = doc;
	for (size_t i = 0; cur && i < depth; i++)
		if (!json_object_is_type(cur, json_type_object) ||
		    !json_object_object_get_ex(cur, path[i], &cur))
			cur = NULL;
	bool ok = cur && want && json_object_equal(cur, want);
	json_object_put(doc);
	json_object_put(want);
	return ok;
}

int oci_json_set(const char *text, size_t len, const char *const *path, size_t depth,
		 const char *value, char **out, size_t *outlen, vps_err *err)
{
	struct scan c = {text, len, 0};
	size_t vs = 0, ve = 0, first = 0, i = 0;
	_cleanup_free_ char *ins = NULL;
	for (size_t k = 0; k < depth; k++)
		if (strpbrk(path[k], "\"\\"))
			return vps_errorx(err, EINVAL, "internal: JSON key %s", path[k]);
	ws(&c);
	for (; i < depth; i++) {
		if (c.pos >= len || text[c.pos] != '{')
			return vps_errorx(err, EINVAL, "%s: not a JSON object",
					  i ? path[i - 1] : "the document");
		if (find_member(&c, path[i], &vs, &ve, &first) < 0)
			return vps_errorx(err, EINVAL, "not valid JSON near byte %zu", c.pos);
		if (!ve)
			break;
		c.pos = vs;
	}
	if (i == depth) /* the value exists: replace its bytes */
		*out = splice(text, len, vs, ve, value, outlen);
	else if (!(ins = nested(path, i, depth, value)))
		return vps_errorx(err, ENOMEM, "out of memory");
	else if (text[first] == '}') /* an empty object */
		*out = splice(text, len, first, first, ins, outlen);
	else { /* in front of the first member, indented as it is */
		size_t open = first;
		while (open > 0 && text[open - 1] != '{')
			open--;
		_cleanup_free_ char *w = NULL;
		bool lines = memchr(text + open, '\n', first - open) != NULL;
		if (asprintf(&w, "%s,%.*s", ins, lines ? (int)(first - open) : 1,
			     lines ? text + open : " ") < 0)
			return vps_errorx(err, ENOMEM, "out of memory");
		*out = splice(text, len, first, first, w, outlen);
	}
	if (!*out)
		return vps_errorx(err, ENOMEM, "out of memory");
	if (!verify(*out, path, depth, value)) {
		free(take_ptr(*out));
		return vps_errorx(err, EINVAL,
				  "could not edit .%s in place (duplicate or escaped "
				  "keys?)",
				  path[depth - 1]);
	}
	return 0;
}
