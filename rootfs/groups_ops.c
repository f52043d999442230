/* SPDX-License-Identifier: GPL-2.0-or-later */
/* groupadd / groupdel, and id allocation shared with useradd. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rootfs/users.h"
#include "rootfs/users_internal.h"
#include "util/fmt.h"

/* Ranges as in Debian's login.defs: system 100..999 (allocated downwards),
 * normal 1000..60000 (one above the highest used, else the lowest free). */
#define SYS_ID_MIN 100
#define SYS_ID_MAX 999
#define ID_MIN	   1000
#define ID_MAX	   60000

static bool id_used(struct vps_pwdb_file *f, size_t idx, uint32_t id)
{
	return vps_pwdb_find_id(f, idx, id) != NULL;
}

int vps_users_alloc_id(struct vps_pwdb_file *f, size_t idx, bool system, uint32_t prefer,
		       uint32_t *out, vps_err *err)
{
	uint32_t lo = system ? SYS_ID_MIN : ID_MIN, hi = system ? SYS_ID_MAX : ID_MAX;
	if (prefer >= lo && prefer <= hi && !id_used(f, idx, prefer)) {
		*out = prefer;
		return 0;
	}
	if (system) {
		for (uint32_t id = hi; id >= lo; id--)
			if (!id_used(f, idx, id)) {
				*out = id;
				return 0;
			}
	} else {
		uint32_t max = 0;
		for (size_t i = 0; i < f->n; i++) {
			const struct vps_pwline *l = &f->lines[i];
			uint32_t id =
			    l->f && !l->deleted ? (uint32_t)strtoul(l->f[idx], NULL, 10) : 0;
			if (id >= lo && id <= hi && id > max)
				max = id;
		}
		if (max && max < hi) {
			*out = max + 1;
			return 0;
		}
		for (uint32_t id = lo; id <= hi; id++)
			if (!id_used(f, idx, id)) {
				*out = id;
				return 0;
			}
	}
	return vps_errorx(err, ENOSPC, "no free %s id in %u..%u",
			  strcmp(f->name, "passwd") == 0 ? "user" : "group", lo, hi);
}

/* The gshadow line of group, appended ("name:!::") when missing. */
int vps_users_gshadow_line(struct vps_userdb *db, const char *group, struct vps_pwline **out,
			   vps_err *err)
{
	struct vps_pwdb_file *gs = &db->f[VPS_GSHADOW];
	struct vps_pwline *l = vps_pwdb_find(gs, group);
	*out = l && l->f ? l : NULL;
	if (l)
		return 0;
	const char *fields[4] = {group, "!", "", ""};
	int r = vps_pwdb_append(gs, fields, err);
	if (r < 0)
		return r;
	*out = &gs->lines[gs->n - 1];
	return 0;
}

int vps_users_append_group(struct vps_userdb *db, const char *name, uint32_t gid, vps_err *err)
{
	char gids[16];
	if (vps_snprintf(gids, sizeof(gids), "%u", gid) < 0)
		return vps_errorx(err, EINVAL, "group %s: gid %u", name, gid);
	const char *g[4] = {name, "x", gids, ""};
	struct vps_pwline *gs;
	int r = vps_pwdb_append(&db->f[VPS_GROUP], g, err);
	return r < 0 ? r : vps_users_gshadow_line(db, name, &gs, err);
}

int vps_users_need_group(struct vps_userdb *db, const char *name, struct vps_pwline **out,
			 vps_err *err)
{
	struct vps_pwline *g = vps_pwdb_find(&db->f[VPS_GROUP], name);
	if (!g)
		return vps_errorx(err, ENOENT, "group \"%s\" does not exist", name);
	if (!g->f)
		return vps_errorx(err, EINVAL,
				  "/etc/group: the line of group \"%s\" is malformed; fix it first",
				  name);
	*out = g;
	return 0;
}

int vps_group_add(struct vps_userdb *db, const char *name, bool has_gid, uint32_t gid, bool system,
		  vps_err *err)
{
	int r = vps_name_validate("group", name, err);
	if (r < 0)
		return r;
	struct vps_pwdb_file *gf = &db->f[VPS_GROUP];
	if (vps_pwdb_find(gf, name))
		return vps_errorx(err, EEXIST, "group \"%s\" already exists", name);
	struct vps_pwline *other;
	if (has_gid && (other = vps_pwdb_find_id(gf, 2, gid)))
		return vps_errorx(err, EEXIST, "gid %u is already used by group \"%s\"", gid,
				  other->f[0]);
	if (!has_gid && (r = vps_users_alloc_id(gf, 2, system, 0, &gid, err)) < 0)
		return r;
	return vps_users_append_group(db, name, gid, err);
}

int vps_group_del(struct vps_userdb *db, const char *name, vps_err *err)
{
	struct vps_pwdb_file *gf = &db->f[VPS_GROUP], *pf = &db->f[VPS_PASSWD];
	struct vps_pwline *g;
	int r = vps_users_need_group(db, name, &g, err);
	if (r < 0)
		return r;
	struct vps_pwline *u = vps_pwdb_find_id(pf, 3, (uint32_t)strtoul(g->f[2], NULL, 10));
	if (u)
		return vps_errorx(err, EBUSY,
				  "group \"%s\" is the primary group of user \"%s\"; delete or "
				  "change the user first",
				  name, u->f[0]);
	g->deleted = true;
	gf->changed = true;
	struct vps_pwline *gs = vps_pwdb_find(&db->f[VPS_GSHADOW], name);
	if (gs) {
		gs->deleted = true;
		db->f[VPS_GSHADOW].changed = true;
	}
	db->removing = true;
	return 0;
}
