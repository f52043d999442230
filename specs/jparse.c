/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path-tracking typed access to json-c values (see jparse.h). */
#include "specs/jparse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/fmt.h"

void jp_init(struct jp *p, const char *file, vps_err *err)
{
	p->err = err;
	p->file = file;
	p->path[0] = '\0';
	p->len = 0;
}

/* Append pre + piece (at most max bytes of it) + post; every field getter
 * does this, so no printf here. A too-long path is truncated, stays valid. */
static size_t push(struct jp *p, const char *pre, const char *piece, size_t max, const char *post)
{
	size_t mark = p->len, room = sizeof(p->path) - 1 - p->len;
	size_t a = strlen(pre), b = strnlen(piece, max), c = strlen(post);
	if (a + b + c > room) {
		p->len = sizeof(p->path) - 1;
		p->path[p->len] = '\0';
		return mark;
	}
	memcpy(p->path + p->len, pre, a);
	memcpy(p->path + p->len + a, piece, b);
	memcpy(p->path + p->len + a + b, post, c);
	p->len += a + b + c;
	p->path[p->len] = '\0';
	return mark;
}

size_t jp_push_key(struct jp *p, const char *key)
{
	return push(p, ".", key, 128, "");
}

size_t jp_push_idx(struct jp *p, size_t i)
{
	char buf[24], *e = buf + sizeof(buf) - 1;
	*e = '\0';
	do
		*--e = (char)('0' + i % 10);
	while ((i /= 10) && e > buf);
	return push(p, "[", e, sizeof(buf), "]");
}

size_t jp_push_mapkey(struct jp *p, const char *key)
{
	return push(p, "[\"", key, 120, strlen(key) > 120 ? "...\"]" : "\"]");
}

void jp_pop(struct jp *p, size_t mark)
{
	p->len = mark;
	p->path[mark] = '\0';
}

int jp_fail(struct jp *p, const char *fmt, ...)
{
	char msg[VPS_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->len)
		return vps_errorx(p->err, EINVAL, "%s: %s: %s", p->file, p->path, msg);
	return vps_errorx(p->err, EINVAL, "%s: %s", p->file, msg);
}

int jp_fail_at(struct jp *p, const char *key, size_t idx, const char *fmt, ...)
{
	char msg[VPS_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	size_t m = jp_push_key(p, key);
	if (idx != JP_NO_IDX)
		jp_push_idx(p, idx);
	int r = jp_fail(p, "%s", msg);
	jp_pop(p, m);
	return r;
}

const char *jp_desc(json_object *v, char *buf, size_t n)
{
	const char *s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(s);
	if (len < n)
		vps_snprintf(buf, n, "%s", s); /* fits: checked: len < n */
	else
		/* fits: cut to n - 4 with "..." */
		vps_snprintf(buf, n, "%.*s...", (int)(n > 4 ? n - 4 : 0), s);
	return buf;
}

/* json-c saturates integers beyond 64 bits silently; find such a literal
 * (outside strings) so it is an error, not UINT64_MAX. Returns its offset
 * or -1. */
static long long find_huge_int(const char *s, size_t len, size_t *ndigits)
{
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"') {
			in_str = true;
			continue;
		}
		bool neg = c == '-';
		if (!neg && (c < '0' || c > '9'))
			continue;
		size_t start = i + neg, end = start;
		while (end < len && s[end] >= '0' && s[end] <= '9')
			end++;
		bool is_float = end < len && strchr(".eE", s[end]);
		const char *limit = neg ? "9223372036854775808" : "18446744073709551615";
		size_t n = end - start, ln = strlen(limit);
		if (!is_float && (n > ln || (n == ln && strncmp(s + start, limit, ln) > 0))) {
			*ndigits = end - i;
			return (long long)i;
		}
		i = end > i ? end - 1 : i;
	}
	return -1;
}

int jp_doc(struct jp *p, const char *json, size_t len, json_object **out)
{
	if (len > (size_t)INT32_MAX - 1)
		return jp_fail(p, "too large (%zu bytes)", len);
	if (memchr(json, '\0', len))
		return jp_fail(p, "invalid JSON: contains a NUL byte");
	size_t nd = 0;
	long long huge = find_huge_int(json, len, &nd);
	if (huge >= 0)
		return jp_fail(p, "integer %.*s%s at byte %lld does not fit in 64 bits",
			       (int)(nd > 30 ? 30 : nd), json + huge, nd > 30 ? "..." : "", huge);
	json_tokener *tok = json_tokener_new_ex(64);
	if (!tok)
		return vps_error(p->err, ENOMEM, "%s", p->file);
	/* strict: no trailing commas, leading zeros or raw control characters,
	 * which Go's encoding/json (runc) rejects too */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	json_object *o = json_tokener_parse_ex(tok, json, (int)len);
	enum json_tokener_error e = json_tokener_get_error(tok);
	if (!o && e == json_tokener_continue) {
		o = json_tokener_parse_ex(tok, "", 1); /* flush a trailing number */
		e = json_tokener_get_error(tok);
	}
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o || e != json_tokener_success) {
		json_object_put(o);
		if (e == json_tokener_continue || e == json_tokener_success)
			return jp_fail(p, "invalid JSON: unexpected end of input");
		return jp_fail(p, "invalid JSON at byte %zu: %s", end, json_tokener_error_desc(e));
	}
	for (size_t i = end; i < len; i++)
		if (!strchr(" \t\r\n", json[i])) {
			json_object_put(o);
			return jp_fail(p, "invalid JSON: trailing data at byte %zu", i);
		}
	if (!json_object_is_type(o, json_type_object)) {
		char d[64];
		int r = jp_fail(p, "expected a JSON object, got %s", jp_desc(o, d, sizeof(d)));
		json_object_put(o);
		return r;
	}
	*out = o;
	return 0;
}

json_object *jp_get(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v; /* NULL for a JSON null */
}

int jp_require(struct jp *p, json_object *o, const char *key)
{
	if (jp_get(o, key))
		return 0;
	size_t m = jp_push_key(p, key);
	int r = jp_fail(p, "required");
	jp_pop(p, m);
	return r;
}

static const char *type_name(json_type t)
{
	switch (t) {
	case json_type_boolean:
		return "a boolean";
	case json_type_int:
		return "an integer";
	case json_type_string:
		return "a string";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	default:
		return "a value";
	}
}

int jp_v_type(struct jp *p, json_object *v, json_type want)
{
	if (json_object_is_type(v, want))
		return 0;
	char d[64];
	return jp_fail(p, "expected %s, got %s", type_name(want), jp_desc(v, d, sizeof(d)));
}

int jp_v_str(struct jp *p, json_object *v, char **out)
{
	if (jp_v_type(p, v, json_type_string) < 0)
		return -EINVAL;
	const char *s = json_object_get_string(v);
	size_t len = (size_t)json_object_get_string_len(v);
	if (strlen(s) != len)
		return jp_fail(p, "string contains a NUL byte");
	char *dup = strdup(s);
	if (!dup)
		return vps_error(p->err, ENOMEM, "%s", p->file);
	free(*out);
	*out = dup;
	return 0;
}

int jp_v_abs_path(struct jp *p, json_object *v, char **out)
{
	_cleanup_free_ char *s = NULL;
	int r = jp_v_str(p, v, &s);
	if (r < 0)
		return r;
	if (s[0] != '/')
		return jp_fail(p, "expected an absolute path, got \"%s\"", s);
	free(*out);
	*out = take_ptr(s);
	return 0;
}

int jp_v_i64(struct jp *p, json_object *v, int64_t min, int64_t max, int64_t *out)
{
	char d[64];
	if (!json_object_is_type(v, json_type_int))
		return jp_fail(p, "expected an integer, got %s", jp_desc(v, d, sizeof(d)));
	int64_t x = json_object_get_int64(v);
	if (x > 0 && json_object_get_uint64(v) > (uint64_t)INT64_MAX)
		return jp_fail(p, "integer %s out of range", jp_desc(v, d, sizeof(d)));
	if (x < min || x > max)
		return jp_fail(p, "integer %lld out of range [%lld, %lld]", (long long)x,
			       (long long)min, (long long)max);
	*out = x;
	return 0;
}

int jp_v_u64(struct jp *p, json_object *v, uint64_t max, uint64_t *out)
{
	char d[64];
	if (!json_object_is_type(v, json_type_int))
		return jp_fail(p, "expected an integer, got %s", jp_desc(v, d, sizeof(d)));
	if (json_object_get_int64(v) < 0)
		return jp_fail(p, "expected a non-negative integer, got %s",
			       jp_desc(v, d, sizeof(d)));
	uint64_t x = json_object_get_uint64(v);
	if (x > max)
		return jp_fail(p, "integer %llu out of range [0, %llu]", (unsigned long long)x,
			       (unsigned long long)max);
	*out = x;
	return 0;
}

int jp_v_bool(struct jp *p, json_object *v, bool *out)
{
	if (jp_v_type(p, v, json_type_boolean) < 0)
		return -EINVAL;
	*out = json_object_get_boolean(v);
	return 0;
}

/* Field getter boilerplate: look up, push the key, check, pop. */
#define FIELD(call)                                                                                \
	json_object *v = jp_get(o, key);                                                           \
	if (!v)                                                                                    \
		return 0;                                                                          \
	size_t m = jp_push_key(p, key);                                                            \
	int r = (call);                                                                            \
	jp_pop(p, m);                                                                              \
	return r < 0 ? r : 1

int jp_str(struct jp *p, json_object *o, const char *key, char **out)
{
	FIELD(jp_v_str(p, v, out));
}

int jp_abs_path(struct jp *p, json_object *o, const char *key, char **out)
{
	FIELD(jp_v_abs_path(p, v, out));
}

int jp_bool(struct jp *p, json_object *o, const char *key, bool *out)
{
	FIELD(jp_v_bool(p, v, out));
}

int jp_i64(struct jp *p, json_object *o, const char *key, int64_t min, int64_t max, int64_t *out)
{
	FIELD(jp_v_i64(p, v, min, max, out));
}

int jp_u64(struct jp *p, json_object *o, const char *key, uint64_t max, uint64_t *out)
{
	FIELD(jp_v_u64(p, v, max, out));
}

int jp_u32(struct jp *p, json_object *o, const char *key, uint32_t *out)
{
	uint64_t x = 0;
	int r = jp_u64(p, o, key, UINT32_MAX, &x);
	if (r > 0)
		*out = (uint32_t)x;
	return r;
}

int jp_opt_i64(struct jp *p, json_object *o, const char *key, int64_t min, int64_t max,
	       opt_i64 *out)
{
	int r = jp_i64(p, o, key, min, max, &out->v);
	if (r > 0)
		out->set = true;
	return r;
}

int jp_opt_u64(struct jp *p, json_object *o, const char *key, uint64_t max, opt_u64 *out)
{
	int r = jp_u64(p, o, key, max, &out->v);
	if (r > 0)
		out->set = true;
	return r;
}

int jp_opt_bool(struct jp *p, json_object *o, const char *key, opt_bool *out)
{
	int r = jp_bool(p, o, key, &out->v);
	if (r > 0)
		out->set = true;
	return r;
}

int jp_obj(struct jp *p, json_object *o, const char *key, json_object **out)
{
	FIELD((*out = v, jp_v_type(p, v, json_type_object)));
}

int jp_arr(struct jp *p, json_object *o, const char *key, json_object **out, size_t *n)
{
	FIELD((*out = v,
	       *n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0,
	       jp_v_type(p, v, json_type_array)));
}
