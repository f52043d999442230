/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user list (vps users): the shadow and group files are indexed once
 * (sorted arrays, binary search), so a listing costs O(n log n) in the size of
 * the files, not users x group members (a 16 MB group file took hours). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rootfs/users.h"
#include "util/cleanup.h"

struct key {
	const char *s; /* not NUL-terminated */
	size_t len;
	size_t i; /* the user slot or the shadow line; ties sort in file order */
};

static int key_cmp(const void *pa, const void *pb)
{
	const struct key *a = pa, *b = pb;
	int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* The first key equal to s[0..len) (n when none). */
static size_t key_find(const struct key *k, size_t n, const char *s, size_t len)
{
	struct key want = {.s = s, .len = len, .i = 0};
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key_cmp(&k[mid], &want) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && k[lo].len == len && memcmp(k[lo].s, s, len) == 0 ? lo : n;
}

/* Shadow lines by name (a verbatim line by its text up to ':'), as vps_pwdb_find sees them. */
static struct key *shadow_index(struct vps_pwdb_file *sf, size_t *n)
{
	struct key *k = calloc(sf->n + 1, sizeof(*k));
	if (!k)
		return NULL;
	*n = 0;
	for (size_t i = 0; i < sf->n; i++) {
		const struct vps_pwline *l = &sf->lines[i];
		if (l->deleted)
			continue;
		const char *s = l->f ? l->f[0] : l->raw;
		const char *colon = l->f ? NULL : strchr(s, ':');
		if (!l->f && !colon)
			continue;
		k[(*n)++] =
		    (struct key){.s = s, .len = l->f ? strlen(s) : (size_t)(colon - s), .i = i};
	}
	qsort(k, *n, sizeof(*k), key_cmp);
	return k;
}

static const char *pw_status(struct vps_pwdb_file *sf, const struct key *sk, size_t nsk,
			     struct vps_pwline *pw)
{
	const char *p = pw->f[1];
	if (strcmp(p, "x") == 0) {
		size_t j = key_find(sk, nsk, pw->f[0], strlen(pw->f[0]));
		struct vps_pwline *sp = j < nsk ? &sf->lines[sk[j].i] : NULL;
		if (!sp || !sp->f)
			return "locked";
		p = sp->f[1];
	}
	if (!*p)
		return "empty";
	if (p[0] == '!' || p[0] == '*')
		return "locked";
	return "set";
}

/* Call fn for every (user slot, group line) where the group lists the user. */
static int each_membership(struct vps_pwdb_file *g, const struct key *uk, size_t nu,
			   int (*fn)(void *arg, size_t slot, const char *group), void *arg)
{
	for (size_t i = 0; i < g->n; i++) {
		const struct vps_pwline *l = &g->lines[i];
		if (!l->f || l->deleted)
			continue;
		for (const char *p = l->f[3]; *p;) {
			size_t len = strcspn(p, ",");
			for (size_t j = key_find(uk, nu, p, len);
			     j < nu && uk[j].len == len && memcmp(uk[j].s, p, len) == 0; j++)
				if (fn(arg, uk[j].i, l->f[0]) < 0)
					return -ENOMEM;
			p += len + (p[len] == ',');
		}
	}
	return 0;
}

static int count_one(void *arg, size_t slot, const char *group)
{
	(void)group;
	((size_t *)arg)[slot]++;
	return 0;
}

struct fill {
	struct vps_user_info *v;
	size_t *used; /* per slot */
};

static int add_one(void *arg, size_t slot, const char *group)
{
	struct fill *f = arg;
	char **g = &f->v[slot].groups[f->used[slot]];
	if (!(*g = strdup(group)))
		return -ENOMEM;
	f->used[slot]++;
	return 0;
}

/* Each user's supplementary groups (the groups listing it), in file order. */
static int fill_groups(struct vps_userdb *db, struct vps_user_info *v, size_t n)
{
	_cleanup_free_ struct key *uk = calloc(n + 1, sizeof(*uk));
	_cleanup_free_ size_t *cnt = calloc(n + 1, sizeof(*cnt));
	if (!uk || !cnt)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		uk[i] = (struct key){.s = v[i].name, .len = strlen(v[i].name), .i = i};
	qsort(uk, n, sizeof(*uk), key_cmp);
	struct vps_pwdb_file *g = &db->f[VPS_GROUP];
	if (each_membership(g, uk, n, count_one, cnt) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!(v[i].groups = calloc(cnt[i] + 1, sizeof(char *))))
			return -ENOMEM;
		cnt[i] = 0;
	}
	return each_membership(g, uk, n, add_one, &(struct fill){.v = v, .used = cnt});
}

int vps_user_list(struct vps_userdb *db, struct vps_user_info **out, size_t *nout, vps_err *err)
{
	struct vps_pwdb_file *pf = &db->f[VPS_PASSWD], *sf = &db->f[VPS_SHADOW];
	struct vps_user_info *v = calloc(pf->n + 1, sizeof(*v));
	size_t n = 0, nsk = 0;
	_cleanup_free_ struct key *sk = shadow_index(sf, &nsk);
	if (!v || !sk) {
		free(v);
		return vps_error(err, ENOMEM, "list users");
	}
	for (size_t i = 0; i < pf->n; i++) {
		struct vps_pwline *l = &pf->lines[i];
		if (!l->f || l->deleted)
			continue;
		v[n++] = (struct vps_user_info){.name = l->f[0],
						.uid = (uint32_t)strtoul(l->f[2], NULL, 10),
						.gid = (uint32_t)strtoul(l->f[3], NULL, 10),
						.comment = l->f[4],
						.home = l->f[5],
						.shell = l->f[6],
						.password = pw_status(sf, sk, nsk, l)};
	}
	if (fill_groups(db, v, n) < 0) {
		vps_user_info_free(v, n);
		return vps_error(err, ENOMEM, "list users");
	}
	*out = v;
	*nout = n;
	return 0;
}

void vps_user_info_free(struct vps_user_info *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		vps_strv_free(v[i].groups);
	free(v);
}
