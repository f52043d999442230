/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal helpers of rootfs/ (not an interface for other concerns). All paths
 * named "in root" are resolved with openat2(RESOLVE_IN_ROOT) against rootfs_fd. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "specs/spec.h"
#include "util/err.h"

/* resolve.c */
/* O_PATH fd of PATH inside the root (follows symlinks, clamped to the root). */
int vps_path_in_root(int rootfs_fd, const char *path, vps_err *err);
/* mkdir -p PATH inside the root; returns an O_PATH|O_DIRECTORY fd of it. */
int vps_mkdir_in_root(int rootfs_fd, const char *path, mode_t mode, vps_err *err);
/* Make sure PATH exists inside the root as a directory (dir) or a regular file
 * (created empty, parents created); returns an O_PATH fd of it. */
int vps_mkpath_in_root(int rootfs_fd, const char *path, bool dir, vps_err *err);
/* Open the parent directory of PATH in the root (O_PATH|O_DIRECTORY, created if
 * missing) and return it; *base points into path at the last component. */
int vps_parent_in_root(int rootfs_fd, const char *path, const char **base, vps_err *err);
/* Open a regular file without ever opening anything else: PATH is looked up
 * inside the root as O_PATH (no open(2) side effect: a FIFO does not block, a
 * device's driver is not called), fstat'ed into *st (NULL ok), refused unless
 * S_ISREG, then reopened through /proc/self/fd with flags (O_CREAT/O_EXCL
 * ignored, O_TRUNC applied after the check, O_NONBLOCK|O_NOCTTY added). */
int vps_open_regular_in_root(int rootfs_fd, const char *path, int flags, struct stat *st,
			     vps_err *err);
/* The same for an O_PATH (or any) fd already held; what names it in errors. */
int vps_reopen_regular(int pathfd, const char *what, int flags, struct stat *st, vps_err *err);

/* mountopts.c */
struct vps_mntopts {
	unsigned long flags;	       /* MS_* for mount(2) (set) */
	uint64_t attr_set, attr_clr;   /* MOUNT_ATTR_* for the top mount */
	uint64_t rattr_set, rattr_clr; /* MOUNT_ATTR_* applied with AT_RECURSIVE */
	unsigned long prop[8];	       /* propagation changes in order (MS_SHARED [|MS_REC]...) */
	int n_prop;
	bool bind, rec, remount, idmap, ridmap, tmpcopyup;
	char *data; /* unknown options joined by ',' (malloc'ed, may be NULL) */
};
int vps_mntopts_parse(char *const *opts, size_t n, struct vps_mntopts *out, vps_err *err);
void vps_mntopts_free(struct vps_mntopts *o);
/* Append one filesystem option (w) to o->data. */
int vps_mntopts_add_data(struct vps_mntopts *o, const char *w, vps_err *err);

/* copyup.c: copy the tree under src_dir (an fd of any kind on a directory) into dst_dir. */
int vps_copyup(int src_dir, int dst_dir, const char *what, vps_err *err);

/* mount.c */
struct vps_kernfs_fds {
	int proc, sys; /* the procfs/sysfs vps attached at /proc and /sys, or -1 */
};
struct vps_mount_ctx {
	int rootfs_fd;
	const struct oci_spec *spec;
	bool in_userns, new_cgroupns;
	const int *source_fds;	    /* see vps_rootfs_opts */
	struct vps_kernfs_fds *kfs; /* filled by proc/sysfs mounts; NULL: not kept */
};
int vps_mount_one(const struct vps_mount_ctx *c, const struct oci_mount *m, vps_err *err);
/* The read-only flag of the spec's tmpfs and /dev mounts, which vps_mount_one
 * left out so that what goes under them could be made first (runc). */
int vps_mount_finish_ro(const struct vps_mount_ctx *c, vps_err *err);
/* Attach the detached/cloned tree TREE on TARGET_FD (both fds), applying o. */
int vps_attach_tree(int tree, int target_fd, const struct vps_mntopts *o, const char *what,
		    vps_err *err);
/* Apply o's recursive attributes and propagation to the mount whose root is fd. */
int vps_mount_apply_attrs(int fd, const struct vps_mntopts *o, const char *what, vps_err *err);
/* The mount id of the mount fd is on (0 if the kernel cannot say). */
uint64_t vps_mnt_id(int fd);
/* mount(2) of a filesystem on the O_PATH fd target. */
int vps_mount_fs_at(const char *source, int target_fd, const char *type, unsigned long flags,
		    const char *data, const char *what, vps_err *err);

/* cgroupmount.c */
/* Undo mountinfo's octal escapes (\040 for a space) in place. */
void vps_unescape_mountinfo(char *s);
int vps_mount_cgroup(const struct vps_mount_ctx *c, const struct oci_mount *m,
		     const struct vps_mntopts *o, vps_err *err);

/* dev.c */
int vps_dev_mount_tmpfs(const struct vps_mount_ctx *c, vps_err *err);
int vps_dev_mount_extra(const struct vps_mount_ctx *c, vps_err *err);
int vps_dev_populate(const struct vps_mount_ctx *c, vps_err *err);

/* kernfs.c: proc and sysfs on a symlink-free directory target, through
 * fsmount; the mount fd is kept in c->kfs for /proc and /sys. */
bool vps_is_kernfs(const char *type);
int vps_mount_kernfs(const struct vps_mount_ctx *c, const struct oci_mount *m,
		     const struct vps_mntopts *o, const char *what, vps_err *err);
/* fd is a procfs (NAME "/proc") or sysfs and still the mount NAME shows. */
int vps_kernfs_check(int rootfs_fd, int fd, const char *name, vps_err *err);

/* masked.c */
int vps_mask_paths(const struct vps_mount_ctx *c, char *const *paths, size_t n, vps_err *err);
int vps_readonly_paths(const struct vps_mount_ctx *c, char *const *paths, size_t n, vps_err *err);

/* The id of the mount fd is on (statx STATX_MNT_ID; 0 if unknown). */
uint64_t vps_mnt_id(int fd);

/* pivot.c */
int vps_pivot_root(const char *rootfs, int rootfs_fd, bool no_pivot, vps_err *err);
/* Make the mount that holds PATH private (only that one): pivot_root refuses a
 * shared parent, and the rootfs bound there must not propagate to the host. */
int vps_pivot_private_parent(const char *path, vps_err *err);

/* disk.c: is the image (stat) backing a loop device now? name: "loopN" */
struct stat;
bool vps_disk_in_use(const struct stat *img, char *name, size_t cap);
/* disk_make.c: grow the image's ext4 to the file's size if the file grew */
int vps_disk_fit(const char *image, int imgfd, vps_err *err);
/* disk_make.c: the ext4 superblock's size and free bytes (-errno, no message) */
int vps_disk_sb(int imgfd, uint64_t *bytes, uint64_t *free_bytes);
/* disk_make.c: an fd of /proc/PID/root if it is the filesystem on loop device
 * lfd, else -errno (-ENODEV: another filesystem) */
int vps_disk_root_of(pid_t pid, int lfd);
