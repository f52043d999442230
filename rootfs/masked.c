/* linux.maskedPaths and linux.readonlyPaths, applied inside the rootfs before
 * pivot_root. Masking binds the container's /dev/null (checked to really be the
 * null device, and used through the checked fd so it cannot be swapped) over
 * files and an empty read-only tmpfs over directories; missing paths are
 * skipped. Read-only paths are bound onto themselves and made read-only, which
 * keeps nosuid/nodev/noexec as they were. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "rootfs/internal.h"
#include "rootfs/rootfs.h"
#include "util/cleanup.h"

static int open_existing(int rootfs_fd, const char *path, int *fd, vps_err *err)
{
	*fd = vps_open_in_root(rootfs_fd, path, O_PATH, 0, err);
	if (*fd == -ENOENT) {
		vps_err_clear(err);
		return 0;
	}
	return *fd < 0 ? *fd : 1;
}

int vps_mask_paths(int rootfs_fd, char *const *paths, size_t n, vps_err *err)
{
	if (!n)
		return 0;
	_cleanup_close_ int null =
	    vps_open_in_root(rootfs_fd, "/dev/null", O_PATH | O_NOFOLLOW, 0, err);
	if (null < 0)
		return vps_error_wrap(err, "masked paths");
	struct stat st;
	if (fstat(null, &st) < 0)
		return vps_error(err, errno, "masked paths: stat /dev/null");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return vps_errorx(err, EPERM,
				  "masked paths: /dev/null in the container is not the null "
				  "device (char 1:3)");
	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int fd = -1;
		int r = open_existing(rootfs_fd, paths[i], &fd, err);
		if (r <= 0) {
			if (r < 0)
				return vps_error_wrap(err, "masked path");
			continue;
		}
		if (fstat(fd, &st) < 0)
			return vps_error(err, errno, "masked path %s: stat", paths[i]);
		if (S_ISDIR(st.st_mode)) {
			r = vps_mount_fs_at("tmpfs", fd, "tmpfs",
					    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
					    "mode=0555", "masked path", err);
			if (r < 0)
				return vps_error_wrap(err, "%s", paths[i]);
			continue;
		}
		_cleanup_close_ int tree =
		    open_tree(null, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		if (tree < 0)
			return vps_error(err, errno, "masked path %s: clone /dev/null", paths[i]);
		if (move_mount(tree, "", fd, "",
			       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return vps_error(err, errno, "masked path %s: bind /dev/null", paths[i]);
	}
	return 0;
}

int vps_readonly_paths(int rootfs_fd, char *const *paths, size_t n, vps_err *err)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int fd = -1;
		int r = open_existing(rootfs_fd, paths[i], &fd, err);
		if (r <= 0) {
			if (r < 0)
				return vps_error_wrap(err, "readonly path");
			continue;
		}
		_cleanup_close_ int tree = open_tree(
		    fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
		if (tree < 0)
			return vps_error(err, errno, "readonly path %s: clone", paths[i]);
		struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
		if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
			return vps_error(err, errno, "readonly path %s: make read-only", paths[i]);
		if (move_mount(tree, "", fd, "",
			       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return vps_error(err, errno, "readonly path %s: bind", paths[i]);
	}
	return 0;
}
