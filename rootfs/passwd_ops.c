/* Passwords (set, lock, unlock) and the user list. */
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

static const char *pw_status(struct vps_userdb *db, struct vps_pwline *pw)
{
	const char *p = pw->f[1];
	if (strcmp(p, "x") == 0) {
		struct vps_pwline *sp = vps_pwdb_find(&db->f[VPS_SHADOW], pw->f[0]);
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

/* Supplementary groups of user (groups listing it as a member). */
static int member_of(struct vps_userdb *db, const char *user, char ***out)
{
	struct vps_pwdb_file *g = &db->f[VPS_GROUP];
	char **v = calloc(g->n + 1, sizeof(*v));
	size_t n = 0, ul = strlen(user);
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < g->n; i++) {
		const struct vps_pwline *l = &g->lines[i];
		if (!l->f || l->deleted)
			continue;
		for (const char *p = l->f[3]; *p;) {
			size_t len = strcspn(p, ",");
			if (len == ul && strncmp(p, user, ul) == 0 && !(v[n++] = strdup(l->f[0]))) {
				vps_strv_free(v);
				return -ENOMEM;
			}
			p += len + (p[len] == ',');
		}
	}
	*out = v;
	return 0;
}

int vps_user_list(struct vps_userdb *db, struct vps_user_info **out, size_t *nout, vps_err *err)
{
	struct vps_pwdb_file *pf = &db->f[VPS_PASSWD];
	struct vps_user_info *v = calloc(pf->n + 1, sizeof(*v));
	size_t n = 0;
	if (!v)
		return vps_error(err, ENOMEM, "list users");
	for (size_t i = 0; i < pf->n; i++) {
		struct vps_pwline *l = &pf->lines[i];
		if (!l->f || l->deleted)
			continue;
		struct vps_user_info *u = &v[n++];
		*u = (struct vps_user_info){.name = l->f[0],
					    .uid = (uint32_t)strtoul(l->f[2], NULL, 10),
					    .gid = (uint32_t)strtoul(l->f[3], NULL, 10),
					    .comment = l->f[4],
					    .home = l->f[5],
					    .shell = l->f[6],
					    .password = pw_status(db, l)};
		if (member_of(db, u->name, &u->groups) < 0) {
			vps_user_info_free(v, n);
			return vps_error(err, ENOMEM, "list users");
		}
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
