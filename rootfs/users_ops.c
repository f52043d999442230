/* SPDX-License-Identifier: GPL-2.0-or-later */
/* useradd / userdel on the in-memory account files (written by commit). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rootfs/users.h"
#include "rootfs/users_internal.h"
#include "util/cleanup.h"
#include "util/fmt.h"

#define MAX_GROUPS 64

/* Check every option before anything changes. */
static int check_opts(struct vps_userdb *db, const struct vps_useradd *o, vps_err *err)
{
	int r = vps_name_validate("user", o->name, err);
	if (r >= 0 && o->home)
		r = vps_field_validate("--home", o->home, true, err);
	if (r >= 0 && o->shell)
		r = vps_field_validate("--shell", o->shell, true, err);
	if (r >= 0 && o->comment)
		r = vps_field_validate("--comment", o->comment, false, err);
	if (r >= 0 && o->hash && strchr(o->hash, ':'))
		r = vps_errorx(err, EINVAL, "password hash must not contain ':'");
	if (r < 0)
		return r;
	if (vps_pwdb_find(&db->f[VPS_PASSWD], o->name))
		return vps_errorx(err, EEXIST, "user \"%s\" already exists", o->name);
	struct vps_pwline *other;
	if (o->has_uid && (other = vps_pwdb_find_id(&db->f[VPS_PASSWD], 2, o->uid)))
		return vps_errorx(err, EEXIST, "uid %u is already used by user \"%s\"", o->uid,
				  other->f[0]);
	if (!o->group && !o->has_gid && vps_pwdb_find(&db->f[VPS_GROUP], o->name))
		return vps_errorx(err, EEXIST,
				  "group \"%s\" already exists; to make it the user's group, "
				  "use --group %s",
				  o->name, o->name);
	return 0;
}

/* Primary gid: --group, --gid or a new private group named like the user. */
static int primary_group(struct vps_userdb *db, const struct vps_useradd *o, uint32_t uid,
			 uint32_t *gid, vps_err *err)
{
	struct vps_pwline *g;
	int r;
	if (o->group) {
		if ((r = vps_users_need_group(db, o->group, &g, err)) < 0)
			return r;
		*gid = (uint32_t)strtoul(g->f[2], NULL, 10);
		return 0;
	}
	if (o->has_gid) {
		if (!vps_pwdb_find_id(&db->f[VPS_GROUP], 2, o->gid))
			return vps_errorx(err, ENOENT, "--gid %u: no such group", o->gid);
		*gid = o->gid;
		return 0;
	}
	r = vps_users_alloc_id(&db->f[VPS_GROUP], 2, o->system, uid, gid, err);
	return r < 0 ? r : vps_users_append_group(db, o->name, *gid, err);
}

/* Add the user to each group of the comma list (each must exist). */
static int add_groups(struct vps_userdb *db, const char *list, const char *user, vps_err *err)
{
	_cleanup_free_ char *copy = strdup(list);
	if (!copy)
		return vps_error(err, ENOMEM, "--groups");
	int n = 0;
	for (char *save = NULL, *g = strtok_r(copy, ",", &save); g;
	     g = strtok_r(NULL, ",", &save)) {
		struct vps_pwline *gl, *gs;
		if (++n > MAX_GROUPS)
			return vps_errorx(err, E2BIG, "--groups: more than %d groups", MAX_GROUPS);
		int r = vps_users_need_group(db, g, &gl, err);
		if (r >= 0)
			r = vps_pwdb_list_add(&db->f[VPS_GROUP], gl, 3, user, err);
		if (r >= 0)
			r = vps_users_gshadow_line(db, g, &gs, err);
		if (r >= 0 && gs)
			r = vps_pwdb_list_add(&db->f[VPS_GSHADOW], gs, 3, user, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int vps_user_add(struct vps_userdb *db, const struct vps_useradd *o, vps_err *err)
{
	int r = check_opts(db, o, err);
	if (r < 0)
		return r;
	uint32_t uid = o->uid, gid = 0;
	if (!o->has_uid &&
	    (r = vps_users_alloc_id(&db->f[VPS_PASSWD], 2, o->system, 0, &uid, err)) < 0)
		return r;
	if ((r = primary_group(db, o, uid, &gid, err)) < 0)
		return r;
	if (o->groups && (r = add_groups(db, o->groups, o->name, err)) < 0)
		return r;
	char uids[16], gids[16], home[64], today[24];
	if (vps_snprintf(uids, sizeof(uids), "%u", uid) < 0 ||
	    vps_snprintf(gids, sizeof(gids), "%u", gid) < 0 ||
	    vps_snprintf(home, sizeof(home), "/home/%s", o->name) < 0)
		return vps_errorx(err, ENAMETOOLONG, "user %s: home /home/%s too long", o->name,
				  o->name);
	vps_users_today(today, sizeof(today));
	const char *pw[7] = {o->name,
			     "x",
			     uids,
			     gids,
			     o->comment ? o->comment : "",
			     o->home ? o->home : home,
			     o->shell ? o->shell : "/bin/sh"};
	const char *sp[9] = {o->name, o->hash ? o->hash : "!", today, "0", "99999", "7", "", "",
			     ""};
	if (vps_pwdb_find(&db->f[VPS_SHADOW], o->name))
		return vps_errorx(err, EEXIST, "/etc/shadow already has an entry for \"%s\"",
				  o->name);
	r = vps_pwdb_append(&db->f[VPS_PASSWD], pw, err);
	return r < 0 ? r : vps_pwdb_append(&db->f[VPS_SHADOW], sp, err);
}

static void drop(struct vps_pwdb_file *f, struct vps_pwline *l)
{
	if (l) {
		l->deleted = true;
		f->changed = true;
	}
}

/* Drop user from every member list of group and gshadow. */
static int drop_memberships(struct vps_userdb *db, const char *user, vps_err *err)
{
	for (int k = VPS_GROUP; k <= VPS_GSHADOW; k++) {
		struct vps_pwdb_file *f = &db->f[k];
		for (size_t i = 0; i < f->n; i++) {
			struct vps_pwline *l = &f->lines[i];
			if (!l->f || l->deleted)
				continue;
			int r = vps_pwdb_list_del(f, l, 3, user, err);
			if (r >= 0 && k == VPS_GSHADOW)
				r = vps_pwdb_list_del(f, l, 2, user, err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* root, or the last user of uid 0: removing it locks the operator out of
 * every login and su inside; refused unless forced. */
static int check_admin(struct vps_pwdb_file *pf, const struct vps_pwline *pw, vps_err *err)
{
	if (strcmp(pw->f[0], "root") == 0)
		return vps_errorx(err, EPERM,
				  "refusing to remove root, the VPS's administrator (--force to "
				  "remove it anyway)");
	if (strcmp(pw->f[2], "0") != 0)
		return 0;
	for (size_t i = 0; i < pf->n; i++) {
		const struct vps_pwline *l = &pf->lines[i];
		if (l != pw && l->f && !l->deleted && l->nf > 2 && strcmp(l->f[2], "0") == 0)
			return 0;
	}
	return vps_errorx(err, EPERM,
			  "refusing to remove %s, the last user with uid 0 (--force to remove "
			  "it anyway)",
			  pw->f[0]);
}

int vps_user_del(struct vps_userdb *db, const char *user, bool force, char **home, uint32_t *uid,
		 vps_err *err)
{
	struct vps_pwline *pw;
	int r = vps_users_need_user(db, user, &pw, err);
	if (r < 0)
		return r;
	if (!force && (r = check_admin(&db->f[VPS_PASSWD], pw, err)) < 0)
		return r;
	if (home && !(*home = strdup(pw->f[5])))
		return vps_error(err, ENOMEM, "userdel");
	if (uid)
		*uid = (uint32_t)strtoul(pw->f[2], NULL, 10);
	uint32_t gid = (uint32_t)strtoul(pw->f[3], NULL, 10);
	drop(&db->f[VPS_PASSWD], pw);
	drop(&db->f[VPS_SHADOW], vps_pwdb_find(&db->f[VPS_SHADOW], user));
	if ((r = drop_memberships(db, user, err)) < 0)
		return r;
	/* The user's private group goes too when nobody else uses it. */
	struct vps_pwline *g = vps_pwdb_find(&db->f[VPS_GROUP], user);
	if (g && g->f && strtoul(g->f[2], NULL, 10) == gid && !g->f[3][0] &&
	    !vps_pwdb_find_id(&db->f[VPS_PASSWD], 3, gid)) {
		drop(&db->f[VPS_GROUP], g);
		drop(&db->f[VPS_GSHADOW], vps_pwdb_find(&db->f[VPS_GSHADOW], user));
	}
	db->removing = true;
	return 0;
}
