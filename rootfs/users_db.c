/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The colon-separated account files as lines of fields. A line that does not
 * parse (wrong field count, non-numeric id) is logged with file:line and
 * written back byte for byte, like shadow-utils' commonio does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rootfs/users.h"
#include "util/cleanup.h"
#include "util/log.h"

#define PWDB_MAX_LINES 1000000

static bool is_number(const char *s)
{
	if (!*s || strlen(s) > 10)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Which fields must be numeric: passwd uid/gid, group gid. */
static const char *check_fields(const struct vps_pwdb_file *f, char **v, size_t n)
{
	if (n != f->nfields)
		return NULL; /* reported with the counts by the caller */
	if (!v[0][0])
		return "empty name";
	if (strcmp(f->name, "passwd") == 0 && (!is_number(v[2]) || !is_number(v[3])))
		return "uid and gid must be numbers";
	if (strcmp(f->name, "group") == 0 && !is_number(v[2]))
		return "gid must be a number";
	return NULL;
}

static void strv_free_n(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int split(const char *line, char ***out, size_t *nout)
{
	size_t n = 1;
	for (const char *p = line; *p; p++)
		n += *p == ':';
	char **v = calloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	const char *s = line;
	for (size_t i = 0; i < n; i++) {
		const char *e = strchr(s, ':');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		v[i] = strndup(s, len);
		if (!v[i]) {
			strv_free_n(v, n);
			return -ENOMEM;
		}
		s = e ? e + 1 : s + len;
	}
	*out = v;
	*nout = n;
	return 0;
}

static int grow(struct vps_pwdb_file *f, vps_err *err)
{
	if (f->n < f->cap)
		return 0;
	if (f->cap >= PWDB_MAX_LINES)
		return vps_errorx(err, EFBIG, "/etc/%s: more than %d lines", f->name,
				  PWDB_MAX_LINES);
	size_t cap = f->cap ? f->cap * 2 : 32;
	struct vps_pwline *nl = realloc(f->lines, cap * sizeof(*nl));
	if (!nl)
		return vps_error(err, ENOMEM, "/etc/%s", f->name);
	f->lines = nl;
	f->cap = cap;
	return 0;
}

static int add_line(struct vps_pwdb_file *f, const char *text, size_t len, size_t lineno,
		    vps_err *err)
{
	int r = grow(f, err);
	if (r < 0)
		return r;
	struct vps_pwline l = {.raw = strndup(text, len)};
	if (!l.raw)
		return vps_error(err, ENOMEM, "/etc/%s", f->name);
	/* Empty lines and NIS compat entries (+/-) are kept as they are. */
	if (len && l.raw[0] != '+' && l.raw[0] != '-') {
		if (split(l.raw, &l.f, &l.nf) < 0) {
			free(l.raw);
			return vps_error(err, ENOMEM, "/etc/%s", f->name);
		}
		const char *why = check_fields(f, l.f, l.nf);
		if (l.nf != f->nfields)
			log_warn(
			    "/etc/%s:%zu: wrong number of fields (%zu, want %zu); line kept as "
			    "it is",
			    f->name, lineno, l.nf, f->nfields);
		else if (why)
			log_warn("/etc/%s:%zu: %s; line kept as it is", f->name, lineno, why);
		if (why || l.nf != f->nfields) {
			strv_free_n(l.f, l.nf);
			l.f = NULL;
			l.nf = 0;
		}
	}
	f->lines[f->n++] = l;
	return 0;
}

int vps_pwdb_parse(struct vps_pwdb_file *f, const char *buf, vps_err *err)
{
	size_t lineno = 0;
	const char *p = buf;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		int r = add_line(f, p, len, ++lineno, err);
		if (r < 0)
			return r;
		p += len + (e ? 1 : 0);
	}
	return 0;
}

int vps_pwdb_format(const struct vps_pwdb_file *f, char **out, size_t *len, vps_err *err)
{
	size_t total = 1;
	for (size_t i = 0; i < f->n; i++) {
		const struct vps_pwline *l = &f->lines[i];
		if (l->deleted)
			continue;
		if (!l->f)
			total += strlen(l->raw) + 1;
		for (size_t j = 0; l->f && j < l->nf; j++)
			total += strlen(l->f[j]) + 1;
	}
	char *buf = malloc(total), *w = buf;
	if (!buf)
		return vps_error(err, ENOMEM, "/etc/%s", f->name);
	for (size_t i = 0; i < f->n; i++) {
		const struct vps_pwline *l = &f->lines[i];
		if (l->deleted)
			continue;
		if (!l->f)
			w = stpcpy(w, l->raw);
		for (size_t j = 0; l->f && j < l->nf; j++) {
			if (j)
				*w++ = ':';
			w = stpcpy(w, l->f[j]);
		}
		*w++ = '\n';
	}
	*w = '\0';
	*out = buf;
	*len = (size_t)(w - buf);
	return 0;
}

void vps_pwdb_clear(struct vps_pwdb_file *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->lines[i].raw);
		strv_free_n(f->lines[i].f, f->lines[i].nf);
	}
	free(f->lines);
	f->lines = NULL;
	f->n = f->cap = 0;
}

struct vps_pwline *vps_pwdb_find(struct vps_pwdb_file *f, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < f->n; i++) {
		struct vps_pwline *l = &f->lines[i];
		if (l->deleted)
			continue;
		if (l->f ? strcmp(l->f[0], name) == 0
			 : strncmp(l->raw, name, nl) == 0 && l->raw[nl] == ':')
			return l;
	}
	return NULL;
}

struct vps_pwline *vps_pwdb_find_id(struct vps_pwdb_file *f, size_t idx, uint32_t id)
{
	for (size_t i = 0; i < f->n; i++) {
		struct vps_pwline *l = &f->lines[i];
		if (!l->deleted && l->f && idx < l->nf && strtoul(l->f[idx], NULL, 10) == id)
			return l;
	}
	return NULL;
}

int vps_pwdb_append(struct vps_pwdb_file *f, const char *const *fields, vps_err *err)
{
	int r = grow(f, err);
	if (r < 0)
		return r;
	struct vps_pwline l = {
	    .raw = strdup(""), .f = calloc(f->nfields, sizeof(char *)), .nf = f->nfields};
	bool oom = !l.raw || !l.f;
	for (size_t i = 0; !oom && i < f->nfields; i++)
		oom = !(l.f[i] = strdup(fields[i] ? fields[i] : ""));
	if (oom) {
		free(l.raw);
		strv_free_n(l.f, l.nf);
		return vps_error(err, ENOMEM, "/etc/%s", f->name);
	}
	f->lines[f->n++] = l;
	f->changed = true;
	return 0;
}

int vps_pwdb_set(struct vps_pwdb_file *f, struct vps_pwline *l, size_t idx, const char *val,
		 vps_err *err)
{
	if (!l->f || idx >= l->nf)
		return vps_errorx(err, EINVAL, "/etc/%s: no field %zu", f->name, idx);
	if (strcmp(l->f[idx], val) == 0)
		return 0;
	char *v = strdup(val);
	if (!v)
		return vps_error(err, ENOMEM, "/etc/%s", f->name);
	free(l->f[idx]);
	l->f[idx] = v;
	f->changed = true;
	return 0;
}

/* Rebuild a comma list with name added (add) or removed (!add). */
static int list_edit(struct vps_pwdb_file *f, struct vps_pwline *l, size_t idx, const char *name,
		     bool add, vps_err *err)
{
	if (!l->f || idx >= l->nf)
		return vps_errorx(err, EINVAL, "/etc/%s: no field %zu", f->name, idx);
	const char *cur = l->f[idx];
	size_t nl = strlen(name);
	_cleanup_free_ char *out = malloc(strlen(cur) + nl + 2);
	if (!out)
		return vps_error(err, ENOMEM, "/etc/%s", f->name);
	char *w = out;
	bool found = false;
	for (const char *p = cur; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		bool match = len == nl && strncmp(p, name, nl) == 0;
		found |= match;
		if (len && !(match && !add)) {
			if (w != out)
				*w++ = ',';
			memcpy(w, p, len);
			w += len;
		}
		p += len + (e ? 1 : 0);
	}
	if (add && !found) {
		if (w != out)
			*w++ = ',';
		memcpy(w, name, nl);
		w += nl;
	}
	*w = '\0';
	if (add == found)
		return 0;
	int r = vps_pwdb_set(f, l, idx, out, err);
	return r < 0 ? r : 1;
}

int vps_pwdb_list_add(struct vps_pwdb_file *f, struct vps_pwline *l, size_t idx, const char *name,
		      vps_err *err)
{
	return list_edit(f, l, idx, name, true, err);
}

int vps_pwdb_list_del(struct vps_pwdb_file *f, struct vps_pwline *l, size_t idx, const char *name,
		      vps_err *err)
{
	return list_edit(f, l, idx, name, false, err);
}
