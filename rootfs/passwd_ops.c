/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Passwords (set, lock, unlock); the user list is in users_list.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rootfs/users.h"
#include "rootfs/users_internal.h"
#include "util/cleanup.h"

/* The well-formed passwd line of user, or an error naming why not. */
int vps_users_need_user(struct vps_userdb *db, const char *user, struct vps_pwline **out,
			vps_err *err)
{
	struct vps_pwline *pw = vps_pwdb_find(&db->f[VPS_PASSWD], user);
	if (!pw)
		return vps_errorx(err, ENOENT, "user \"%s\" does not exist", user);
	if (!pw->f)
		return vps_errorx(err, EINVAL,
				  "/etc/passwd: the line of user \"%s\" is malformed; fix it first",
				  user);
	*out = pw;
	return 0;
}

/* The user's shadow line, made (from the passwd field) when missing. */
static int shadow_line(struct vps_userdb *db, struct vps_pwline *pw, struct vps_pwline **out,
		       vps_err *err)
{
	struct vps_pwdb_file *sf = &db->f[VPS_SHADOW];
	struct vps_pwline *sp = vps_pwdb_find(sf, pw->f[0]);
	if (sp && !sp->f)
		return vps_errorx(err, EINVAL,
				  "/etc/shadow: the line of user \"%s\" is malformed; fix it first",
				  pw->f[0]);
	if (!sp) {
		char today[24];
		vps_users_today(today, sizeof(today));
		const char *old = strcmp(pw->f[1], "x") == 0 ? "!" : pw->f[1];
		const char *fields[9] = {pw->f[0], old, today, "0", "99999", "7", "", "", ""};
		int r = vps_pwdb_append(sf, fields, err);
		if (r < 0)
			return r;
		sp = &sf->lines[sf->n - 1];
	}
	int r = vps_pwdb_set(&db->f[VPS_PASSWD], pw, 1, "x", err);
	if (r < 0)
		return r;
	*out = sp;
	return 0;
}

/* "!" + cur (lock) or cur + 1 (unlock). */
static int set_locked(struct vps_pwdb_file *sf, struct vps_pwline *sp, bool lock, vps_err *err)
{
	const char *cur = sp->f[1];
	if ((cur[0] == '!') == lock)
		return 0;
	if (!lock && cur[1] == '\0')
		return vps_errorx(err, EINVAL,
				  "user \"%s\" has no password; unlocking would allow "
				  "logging in without one (set one with vps passwd)",
				  sp->f[0]);
	_cleanup_free_ char *nv = malloc(strlen(cur) + 2);
	if (!nv)
		return vps_error(err, ENOMEM, "lock");
	if (lock) {
		nv[0] = '!';
		strcpy(nv + 1, cur);
	} else {
		strcpy(nv, cur + 1);
	}
	return vps_pwdb_set(sf, sp, 1, nv, err);
}

int vps_user_passwd(struct vps_userdb *db, const char *user, enum vps_pw_action act,
		    const char *hash, vps_err *err)
{
	struct vps_pwline *pw = NULL, *sp = NULL;
	int r = vps_users_need_user(db, user, &pw, err);
	if (r >= 0)
		r = shadow_line(db, pw, &sp, err);
	if (r < 0)
		return r;
	struct vps_pwdb_file *sf = &db->f[VPS_SHADOW];
	if (act != VPS_PW_SET)
		return set_locked(sf, sp, act == VPS_PW_LOCK, err);
	char today[24];
	vps_users_today(today, sizeof(today));
	r = vps_pwdb_set(sf, sp, 1, hash, err);
	if (r >= 0)
		r = vps_pwdb_set(sf, sp, 2, today, err);
	return r;
}
