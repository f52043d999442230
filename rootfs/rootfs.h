/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Building the container's filesystem view, run by the container init inside its
 * new mount namespace (after id maps are written, before the user switch and exec).
 * Every target path is resolved inside the rootfs (openat2 RESOLVE_IN_ROOT), so a
 * symlink in the rootfs can never redirect a mount onto the host. */
#pragma once
#include <stdbool.h>

#include "specs/spec.h"
#include "util/err.h"

struct vps_rootfs_opts {
	const char *rootfs; /* absolute path of the bundle's rootfs on the host */
	bool no_pivot;	    /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
	bool in_userns;	    /* devices are bind-mounted, not mknod'ed */
	bool new_cgroupns;  /* for the cgroup mount */
	bool no_mntns;	    /* the caller's mount namespace: chroot, no mount at all */
	/* per spec mount: its bind source opened (O_PATH) on the host side, or
	 * -1 (then looked up by path); NULL: none */
	const int *source_fds;
	/* the rootfs made on the host side (runtime/create_root.c): the tree to
	 * attach (instead of binding o->rootfs onto itself, which the init may
	 * not be able to reach) and where (the rootfs directory, O_PATH); -1 */
	int root_tree, root_target;
	/* without those: a detached mount (the VPS's disk) moved onto rootfs
	 * instead of binding rootfs onto itself; -1: none */
	int disk_fd;
	/* Called after the mounts, before pivot_root, when set: the runtime runs
	 * the prestart/createRuntime (via its parent) and createContainer hooks
	 * there, as the OCI spec orders them. */
	int (*before_pivot)(void *arg, vps_err *err);
	void *before_pivot_arg;
};

/* Make the mount tree: rootfs propagation, the spec's mounts, /dev (default
 * devices, pts, shm, mqueue, symlinks, spec devices), masked and readonly
 * paths, pivot_root (old root detached), readonly root. On return the process's
 * root and cwd are the container's "/". */
int vps_rootfs_setup(const struct oci_spec *spec, const struct vps_rootfs_opts *o, vps_err *err);
/* A container without a mount namespace of its own may ask for no mount (the
 * spec's mounts, masked/readonly paths, devices, propagation, a read-only root,
 * a terminal's /dev/console): a clear error naming the first. */
int vps_rootfs_check_no_mntns(const struct oci_spec *spec, vps_err *err);

/* type "bind" or a bind/rbind option */
bool vps_mount_is_bind(const struct oci_mount *m);

/* True when word is a mount option the mount code acts on (a flag, propagation,
 * attribute or special word), not fs data passed through (`vps features`). */
bool vps_mount_option_known(const char *word);

/* Open PATH (absolute, as seen inside the container) relative to rootfs_fd
 * without ever leaving it (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS). */
int vps_open_in_root(int rootfs_fd, const char *path, int flags, mode_t mode, vps_err *err);

/* After vps_rootfs_setup, inside the new root (process.terminal): allocate a pty
 * from the container's own devpts (/dev/ptmx -> pts/ptmx), bind its slave on
 * /dev/console and return both ends (O_CLOEXEC; the slave via TIOCGPTPEER, so
 * no path is ever looked up for it). */
int vps_rootfs_console(int *master, int *slave, vps_err *err);
/* Bind an already open pty slave on /dev/console. The fd is checked to be a
 * devpts pty slave; /dev/console is replaced, never followed. */
int vps_rootfs_bind_console(int slave_fd, vps_err *err);
