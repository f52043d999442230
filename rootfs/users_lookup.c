/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Read-only name lookups in a VPS's /etc/passwd and /etc/group (for exec -u
 * NAME): resolved inside the rootfs, bounded, no lock, nothing written. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "rootfs/internal.h"
#include "rootfs/users.h"
#include "rootfs/users_internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

#define LOOKUP_MAX (16u << 20)

/* Field idx (a number) of the well-formed line named name in /etc/FILE. */
static int lookup(int rootfd, const char *file, size_t nfields, const char *name, size_t idx,
		  uint32_t *out, vps_err *err)
{
	char path[32];
	if (vps_snprintf(path, sizeof(path), "/etc/%s", file) < 0)
		return vps_errorx(err, ENAMETOOLONG, "/etc/%s: name too long", file);
	_cleanup_close_ int fd = vps_open_regular_in_root(rootfd, path, O_RDONLY, NULL, err);
	if (fd < 0 && fd != -ENOENT)
		return vps_error_wrap(err, "the VPS's %s", path);
	_cleanup_free_ char *buf = NULL;
	int r = fd < 0 ? 0 : vps_read_fd(fd, path, LOOKUP_MAX, &buf, NULL, err);
	if (r < 0)
		return r;
	struct vps_pwdb_file f = {.name = file, .nfields = nfields};
	r = buf ? vps_pwdb_parse(&f, buf, err) : 0;
	struct vps_pwline *l = r < 0 ? NULL : vps_pwdb_find(&f, name);
	if (r >= 0 && (!l || !l->f))
		r = vps_errorx(err, ENOENT, "%s \"%s\": not found in the VPS's %s",
			       idx == 2 && nfields == 7 ? "user" : "group", name, path);
	if (r >= 0)
		r = vps_id_parse(path, l->f[idx], out, err);
	vps_pwdb_clear(&f);
	return r;
}

static bool numeric(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

int vps_users_resolve(const char *rootfs, const char *user, const char *group, uint32_t *uid,
		      uint32_t *gid, bool *has_gid, vps_err *err)
{
	int r;
	*has_gid = false;
	if (numeric(user) && (!group || numeric(group))) {
		r = vps_id_parse("user", user, uid, err);
		if (r >= 0 && group && (r = vps_id_parse("group", group, gid, err)) >= 0)
			*has_gid = true;
		return r;
	}
	_cleanup_close_ int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return vps_error(err, errno, "rootfs %s", rootfs);
	if (numeric(user))
		r = vps_id_parse("user", user, uid, err);
	else if ((r = lookup(rootfd, "passwd", 7, user, 2, uid, err)) >= 0 && !group) {
		/* a name alone: its primary group, as login and su do */
		r = lookup(rootfd, "passwd", 7, user, 3, gid, err);
		*has_gid = r >= 0;
	}
	if (r < 0 || !group)
		return r;
	r = numeric(group) ? vps_id_parse("group", group, gid, err)
			   : lookup(rootfd, "group", 4, group, 2, gid, err);
	*has_gid = r >= 0;
	return r;
}
