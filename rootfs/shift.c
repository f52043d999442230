/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rootfs of a VPS with its own user namespace, at bundle time: can its
 * filesystem be idmapped (then the tree stays as it is and create presents it
 * through an idmapped mount), and, where it cannot, the one-time shift of
 * every owner from id to BASE + id. A shift keeps what chown would lose:
 * setuid/setgid bits, and file capabilities (rewritten as a v3 xattr whose
 * root is BASE, the only form a user namespace honours). Ids of 65536 and
 * above cannot be mapped and are left (seen as nobody inside); an id already
 * shifted (a second hard link) is not shifted again. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "rootfs/userns.h"
#include "util/cleanup.h"
#include "util/walk.h"

int vps_idmap_supported(const char *dir, uint32_t base, const char **why, vps_err *err)
{
	struct oci_idmap m = {.container_id = 0, .host_id = base, .size = VPS_IDRANGE_SIZE};
	*why = NULL;
	_cleanup_close_ int tree = open_tree(AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0 && errno == ENOSYS) {
		*why = "the kernel has no open_tree (Linux 5.2+) or idmapped mounts (5.12+)";
		return 0;
	}
	if (tree < 0)
		return vps_error(err, errno, "idmap probe: clone %s", dir);
	_cleanup_close_ int ns = vps_idmap_userns(&m, 1, &m, 1, err);
	if (ns < 0)
		return vps_error_wrap(err, "idmap probe");
	struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)ns};
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof(a)) == 0)
		return 1;
	if (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) {
		*why = errno == ENOSYS ? "the kernel has no idmapped mounts (Linux 5.12+)"
				       : "its filesystem does not support idmapped mounts";
		return 0;
	}
	return vps_error(err, errno, "idmap probe: %s", dir);
}

/* v2/v3 security.capability -> v3 with rootid base (little-endian on disk). */
static int caps_v3(const void *in, ssize_t n, struct vfs_ns_cap_data *out, uint32_t base)
{
	struct vfs_ns_cap_data c = {0};
	if (n != XATTR_CAPS_SZ_2 && n != XATTR_CAPS_SZ_3)
		return -EINVAL;
	memcpy(&c, in, (size_t)n);
	uint32_t magic = le32toh(c.magic_etc);
	c.magic_etc = htole32(VFS_CAP_REVISION_3 | (magic & VFS_CAP_FLAGS_EFFECTIVE));
	c.rootid = htole32(base);
	*out = c;
	return 0;
}

/* A regular file through an fd: owner, set-id bits and capabilities. */
static int shift_file(int fd, const struct stat *st, uint32_t base)
{
	char caps[XATTR_CAPS_SZ_3];
	ssize_t n = fgetxattr(fd, "security.capability", caps, sizeof(caps));
	if (fchown(fd, base + st->st_uid, base + st->st_gid) < 0)
		return -errno;
	if ((st->st_mode & (S_ISUID | S_ISGID)) && fchmod(fd, st->st_mode & 07777) < 0)
		return -errno;
	struct vfs_ns_cap_data v3;
	if (n > 0 && caps_v3(caps, n, &v3, base) == 0 &&
	    fsetxattr(fd, "security.capability", &v3, sizeof(v3), 0) < 0)
		return -errno;
	return 0;
}

static int shift_entry(struct vps_walk_entry *e, void *arg)
{
	uint32_t base = *(const uint32_t *)arg;
	struct stat st;
	if (e->when == VPS_WALK_DIR_POST || e->when == VPS_WALK_DIR_ABORT)
		return 0;
	if (fstatat(e->dfd, e->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (st.st_uid >= VPS_IDRANGE_SIZE || st.st_gid >= VPS_IDRANGE_SIZE)
		return 0; /* unmappable, or shifted already through another link */
	if (S_ISREG(st.st_mode)) {
		_cleanup_close_ int fd =
		    openat(e->dfd, e->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		return fd < 0 ? -errno : shift_file(fd, &st, base);
	}
	if (fchownat(e->dfd, e->name, base + st.st_uid, base + st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode) && (st.st_mode & S_ISGID) &&
	    fchmodat(e->dfd, e->name, st.st_mode & 07777, 0) < 0)
		return -errno;
	return 0;
}

int vps_shift_tree(const char *dir, uint32_t base, vps_err *err)
{
	struct vps_walk_opts o = {.max_depth = 4096, .stop_at_mounts = true};
	int r = vps_walk_at(AT_FDCWD, dir, &o, shift_entry, &base);
	if (r < 0)
		return vps_error(err, -r, "shift the owners of %s to %u..%u", dir, base,
				 base + VPS_IDRANGE_SIZE - 1);
	return 0;
}
