/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path-tracking typed access to json-c values, shared by the config.json,
 * process.json, resources.json and state.json parsers. Every error reads
 * "FILE: .path.to[3].field: what is wrong", e.g.
 * `config.json: .linux.resources.memory.limit: expected an integer, got "1G"`.
 *
 * Field getters take an object and a key. A missing key or a JSON null is
 * "absent": the getter returns 0 and leaves *out alone. A present, valid
 * value returns 1. Invalid input returns -EINVAL with err filled. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "specs/spec.h"
#include "util/err.h"

#define JP_PATH_MAX 512

struct jp {
	vps_err *err;
	const char *file; /* "config.json", ... */
	char path[JP_PATH_MAX];
	size_t len;
};

void jp_init(struct jp *p, const char *file, vps_err *err);
/* Parse a whole document that must be a JSON object (trailing garbage and
 * NUL bytes are rejected). *out is owned by the caller (json_object_put). */
int jp_doc(struct jp *p, const char *json, size_t len, json_object **out);

/* Path building: push returns a mark to pop back to. */
size_t jp_push_key(struct jp *p, const char *key);
size_t jp_push_idx(struct jp *p, size_t i);
size_t jp_push_mapkey(struct jp *p, const char *key); /* ["key"] */
void jp_pop(struct jp *p, size_t mark);

/* "FILE: PATH: msg" (or "FILE: msg" at the top); returns -EINVAL. */
int jp_fail(struct jp *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same with KEY (and [idx] when idx != JP_NO_IDX) appended to the path for
 * this message only. */
#define JP_NO_IDX ((size_t)-1)
int jp_fail_at(struct jp *p, const char *key, size_t idx, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The value for "got ...": a quoted string or compact JSON, shortened. */
const char *jp_desc(json_object *v, char *buf, size_t n);

/* The child or NULL (JSON null counts as absent). */
json_object *jp_get(json_object *o, const char *key);
/* "KEY: required" unless o has key. Returns 0 or -EINVAL. */
int jp_require(struct jp *p, json_object *o, const char *key);

/* Value checks at the current path. */
int jp_v_str(struct jp *p, json_object *v, char **out);
int jp_v_abs_path(struct jp *p, json_object *v, char **out);
int jp_v_i64(struct jp *p, json_object *v, int64_t min, int64_t max, int64_t *out);
int jp_v_u64(struct jp *p, json_object *v, uint64_t max, uint64_t *out);
int jp_v_bool(struct jp *p, json_object *v, bool *out);
int jp_v_type(struct jp *p, json_object *v, json_type want);

/* Field getters (absent: 0, present: 1, invalid: < 0). */
int jp_str(struct jp *p, json_object *o, const char *key, char **out);
int jp_abs_path(struct jp *p, json_object *o, const char *key, char **out);
int jp_bool(struct jp *p, json_object *o, const char *key, bool *out);
int jp_i64(struct jp *p, json_object *o, const char *key, int64_t min, int64_t max, int64_t *out);
int jp_u64(struct jp *p, json_object *o, const char *key, uint64_t max, uint64_t *out);
int jp_u32(struct jp *p, json_object *o, const char *key, uint32_t *out);
int jp_opt_i64(struct jp *p, json_object *o, const char *key, int64_t min, int64_t max,
	       opt_i64 *out);
int jp_opt_u64(struct jp *p, json_object *o, const char *key, uint64_t max, opt_u64 *out);
int jp_opt_bool(struct jp *p, json_object *o, const char *key, opt_bool *out);
/* An object / an array child (type-checked, borrowed). */
int jp_obj(struct jp *p, json_object *o, const char *key, json_object **out);
int jp_arr(struct jp *p, json_object *o, const char *key, json_object **out, size_t *n);
/* Array of strings: NULL-terminated malloc'ed vector plus count. abs: each
 * must be an absolute path. */
int jp_strv(struct jp *p, json_object *o, const char *key, bool abs, char ***out, size_t *n);
/* Object of string values (annotations, sysctl, unified). */
int jp_kv(struct jp *p, json_object *o, const char *key, struct oci_kv **out, size_t *n);

/* Enum look-up: index of s in names[0..n), or -1. */
int jp_lookup(const char *const *names, size_t n, const char *s);

/* Loop over array a (found at o[key] by jp_arr): fn(p, element, i, ctx) with
 * the path at .key[i]; null elements fail as "expected WHAT, got null". */
typedef int (*jp_each_fn)(struct jp *p, json_object *e, size_t i, void *ctx);
int jp_each(struct jp *p, const char *key, json_object *a, const char *what, jp_each_fn fn,
	    void *ctx);

/* Array of objects: calloc(n, size) into *out and *n first (so a partial result
 * can be freed by the owner), then fn(p, element, &out[i], ctx) for each
 * element with the path at [i]. Non-object elements are rejected. */
typedef int (*jp_elem_fn)(struct jp *p, json_object *e, void *elem, void *ctx);
int jp_objv(struct jp *p, json_object *o, const char *key, size_t size, void *out, size_t *n,
	    jp_elem_fn fn, void *ctx);
/* Object-valued field parsed by fn (path pushed): absent 0, present 1. */
int jp_sub(struct jp *p, json_object *o, const char *key, jp_elem_fn fn, void *elem, void *ctx);
/* A string field that must be one of names[]: *idx gets its index. what
 * names the kind for the error: `unknown namespace "pidd"`. */
int jp_enum(struct jp *p, json_object *o, const char *key, const char *const *names, size_t n,
	    const char *what, int *idx);
/* Whole document of `file` into a new zeroed object of `size` filled by fn;
 * on error the partial object goes to free_fn and *out is untouched. */
int jp_parse_as(const char *file, const char *json, size_t len, size_t size, jp_elem_fn fn,
		void (*free_fn)(void *), void **out, vps_err *err);
