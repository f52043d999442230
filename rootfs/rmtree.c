/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rm -r through fds: never follows a symlink, never crosses a mount point. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "rootfs/template.h"
#include "util/walk.h"

#define RM_MAX_DEPTH 128

/* Whatever is not a directory we entered is unlinked; a directory goes once empty. */
static int rm_entry(struct vps_walk_entry *e, void *ctx)
{
	(void)ctx;
	if (e->when == VPS_WALK_DIR_PRE || e->when == VPS_WALK_DIR_ABORT)
		return 0;
	int flags = e->when == VPS_WALK_DIR_POST ? AT_REMOVEDIR : 0;
	return unlinkat(e->dfd, e->name, flags) < 0 && errno != ENOENT ? -errno : 0;
}

int vps_rm_tree_at(int dfd, const char *name)
{
	static const struct vps_walk_opts o = {.max_depth = RM_MAX_DEPTH, .stop_at_mounts = true};
	return vps_walk_at(dfd, name, &o, rm_entry, NULL);
}
