/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Delegation of a container's cgroup2 directory to the root of its user
 * namespace (the kernel's cgroup-v2 "Delegation Containment" rules, as the
 * Container Interface of systemd asks): the directory and the files the
 * kernel lists in /sys/kernel/cgroup/delegate (cgroup.procs, cgroup.threads,
 * cgroup.subtree_control, ...) are chowned to the host ids of the VPS's root,
 * so systemd inside can make its own subtree and move its processes there;
 * the limits in the directory itself stay root's. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"

/* What the kernel names when /sys/kernel/cgroup/delegate cannot be read. */
static const char fallback[] = "cgroup.procs\ncgroup.threads\ncgroup.subtree_control\n";

static int chown_file(struct cg_hier *h, const char *name, uid_t uid, gid_t gid, vps_err *err)
{
	if (fchownat(h->dirfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) == 0 || errno == ENOENT)
		return 0;
	return vps_error(err, errno, "delegate cgroup %s/%s to uid %u", h->dir, name,
			 (unsigned)uid);
}

int vps_cgroup_delegate(struct vps_cgroup *cg, uid_t uid, gid_t gid, vps_err *err)
{
	struct cg_hier *h = cg_hier_v2(cg);
	if (!h)
		return 0; /* pure v1: no cgroup2 to hand over */
	int r = cg_open_dir(h, err);
	if (r < 0)
		return r;
	if (fchown(h->dirfd, uid, gid) < 0)
		return vps_error(err, errno, "delegate cgroup %s to uid %u", h->dir, (unsigned)uid);
	_cleanup_free_ char *list = NULL;
	vps_err e = {0};
	if (vps_read_file_at(AT_FDCWD, "/sys/kernel/cgroup/delegate", 4096, &list, NULL, &e) < 0 &&
	    !(list = strdup(fallback)))
		return vps_error(err, ENOMEM, "delegate cgroup %s", h->dir);
	char *save = NULL;
	for (char *f = strtok_r(list, "\n", &save); f && r == 0; f = strtok_r(NULL, "\n", &save))
		if (!strchr(f, '/') && f[0] != '.')
			r = chown_file(h, f, uid, gid, err);
	return r;
}
