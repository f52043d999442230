/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Collections for the parsers: string vectors, string maps, enum look-ups. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "specs/jparse.h"
#include "util/cleanup.h"

int jp_each(struct jp *p, const char *key, json_object *a, const char *what, jp_each_fn fn,
	    void *ctx)
{
	size_t len = json_object_array_length(a), m = jp_push_key(p, key);
	int r = 0;
	for (size_t i = 0; i < len && r >= 0; i++) {
		size_t mi = jp_push_idx(p, i);
		json_object *e = json_object_array_get_idx(a, i);
		r = e ? fn(p, e, i, ctx) : jp_fail(p, "expected %s, got null", what);
		jp_pop(p, mi);
	}
	jp_pop(p, m);
	return r;
}

struct strv_ctx {
	char **v;
	bool abs;
};

static int strv_elem(struct jp *p, json_object *e, size_t i, void *ctx)
{
	struct strv_ctx *c = ctx;
	return c->abs ? jp_v_abs_path(p, e, &c->v[i]) : jp_v_str(p, e, &c->v[i]);
}

int jp_strv(struct jp *p, json_object *o, const char *key, bool abs, char ***out, size_t *n)
{
	json_object *a = NULL;
	size_t len = 0;
	int r = jp_arr(p, o, key, &a, &len);
	if (r <= 0)
		return r;
	struct strv_ctx c = {calloc(len + 1, sizeof(char *)), abs};
	if (!c.v)
		return vps_error(p->err, ENOMEM, "%s", p->file);
	r = jp_each(p, key, a, "a string", strv_elem, &c);
	if (r < 0) {
		vps_strv_free(c.v);
		return r;
	}
	vps_strv_free(*out);
	*out = c.v;
	*n = len;
	return 1;
}

int jp_kv(struct jp *p, json_object *o, const char *key, struct oci_kv **out, size_t *n)
{
	json_object *map = NULL;
	int r = jp_obj(p, o, key, &map);
	if (r <= 0)
		return r;
	size_t len = (size_t)json_object_object_length(map), i = 0;
	struct oci_kv *kv = calloc(len ? len : 1, sizeof(*kv));
	if (!kv)
		return vps_error(p->err, ENOMEM, "%s", p->file);
	/* set before filling so the caller's free sees every allocated entry */
	*out = kv;
	*n = len;
	size_t m = jp_push_key(p, key);
	json_object_object_foreach(map, k, v)
	{
		if (i >= len)
			break;
		size_t mk = jp_push_mapkey(p, k);
		kv[i].key = strdup(k);
		if (!kv[i].key)
			r = vps_error(p->err, ENOMEM, "%s", p->file);
		else if (!v)
			r = jp_fail(p, "expected a string, got null");
		else
			r = jp_v_str(p, v, &kv[i].value);
		jp_pop(p, mk);
		i++;
		if (r < 0)
			break;
	}
	jp_pop(p, m);
	return r < 0 ? r : 1;
}

int jp_lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

struct objv_ctx {
	char *v;
	size_t size;
	jp_elem_fn fn;
	void *ctx;
};

static int objv_elem(struct jp *p, json_object *e, size_t i, void *ctx)
{
	struct objv_ctx *c = ctx;
	if (jp_v_type(p, e, json_type_object) < 0)
		return -EINVAL;
	return c->fn(p, e, c->v + i * c->size, c->ctx);
}

int jp_objv(struct jp *p, json_object *o, const char *key, size_t size, void *out, size_t *n,
	    jp_elem_fn fn, void *ctx)
{
	json_object *a = NULL;
	size_t len = 0;
	int r = jp_arr(p, o, key, &a, &len);
	if (r <= 0)
		return r;
	struct objv_ctx c = {calloc(len ? len : 1, size), size, fn, ctx};
	if (!c.v)
		return vps_error(p->err, ENOMEM, "%s", p->file);
	*(void **)out = c.v;
	*n = len;
	r = jp_each(p, key, a, "an object", objv_elem, &c);
	return r < 0 ? r : 1;
}

int jp_sub(struct jp *p, json_object *o, const char *key, jp_elem_fn fn, void *elem, void *ctx)
{
	json_object *v = NULL;
	int r = jp_obj(p, o, key, &v);
	if (r <= 0)
		return r;
	size_t m = jp_push_key(p, key);
	r = fn(p, v, elem, ctx);
	jp_pop(p, m);
	return r < 0 ? r : 1;
}

int jp_enum(struct jp *p, json_object *o, const char *key, const char *const *names, size_t n,
	    const char *what, int *idx)
{
	_cleanup_free_ char *s = NULL;
	int r = jp_str(p, o, key, &s);
	if (r <= 0)
		return r;
	int i = jp_lookup(names, n, s);
	if (i < 0) {
		size_t m = jp_push_key(p, key);
		r = jp_fail(p, "unknown %s \"%s\"", what, s);
		jp_pop(p, m);
		return r;
	}
	*idx = i;
	return 1;
}

int jp_parse_as(const char *file, const char *json, size_t len, size_t size, jp_elem_fn fn,
		void (*free_fn)(void *), void **out, vps_err *err)
{
	struct jp p;
	jp_init(&p, file, err);
	json_object *o = NULL;
	int r = jp_doc(&p, json, len, &o);
	if (r < 0)
		return r;
	void *obj = calloc(1, size);
	if (!obj) {
		json_object_put(o);
		return vps_error(err, ENOMEM, "%s", file);
	}
	r = fn(&p, o, obj, NULL);
	json_object_put(o);
	if (r < 0) {
		free_fn(obj);
		return r;
	}
	*out = obj;
	return 0;
}
