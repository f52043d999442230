/* Collections for the parsers: string vectors, string maps, enum look-ups. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "specs/jparse.h"
#include "util/cleanup.h"

int jp_strv(struct jp *p, json_object *o, const char *key, bool abs, char ***out, size_t *n)
{
	json_object *a = NULL;
	size_t len = 0;
	int r = jp_arr(p, o, key, &a, &len);
	if (r <= 0)
		return r;
	char **v = calloc(len + 1, sizeof(*v));
	if (!v)
		return vps_error(p->err, ENOMEM, "%s", p->file);
	size_t m = jp_push_key(p, key);
	for (size_t i = 0; i < len && r >= 0; i++) {
		size_t mi = jp_push_idx(p, i);
		json_object *e = json_object_array_get_idx(a, i);
		if (!e)
			r = jp_fail(p, "expected a string, got null");
		else
			r = abs ? jp_v_abs_path(p, e, &v[i]) : jp_v_str(p, e, &v[i]);
		jp_pop(p, mi);
	}
	jp_pop(p, m);
	if (r < 0) {
		vps_strv_free(v);
		return r;
	}
	vps_strv_free(*out);
	*out = v;
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
