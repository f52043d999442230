/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps_rootfs_setup: the order of the container's filesystem set-up.
 *   / rslave (or rootfsPropagation) -> bind the rootfs onto itself -> /dev tmpfs
 *   (unless the spec mounts /dev) -> the spec's mounts in order -> pts/shm/mqueue
 *   -> devices and /dev symlinks -> read-only tmpfs and /dev mounts -> masked
 *   and read-only paths -> pivot_root -> rootfsPropagation on the new / ->
 *   read-only root.
 * Without a mount namespace of its own (no_mntns) the container shares the
 * caller's mount table: nothing is mounted or changed there, the rootfs is
 * entered with chroot (runc's way), and a spec that needs a mount is refused
 * up front (vps_rootfs_check_no_mntns). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "rootfs/rootfs.h"
#include "util/cleanup.h"

static const struct oci_mount *find_mount(const struct oci_spec *s, const char *dest)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (!strcmp(s->mounts[i].destination, dest))
			return &s->mounts[i];
	return NULL;
}

bool vps_mount_is_bind(const struct oci_mount *m)
{
	if (m->type && !strcmp(m->type, "bind"))
		return true;
	for (size_t i = 0; i < m->n_options; i++)
		if (!strcmp(m->options[i], "bind") || !strcmp(m->options[i], "rbind"))
			return true;
	return false;
}

static void close_kernfs(struct vps_kernfs_fds *k)
{
	vps_closep(&k->proc);
	vps_closep(&k->sys);
}

static int enter_rootfs(const struct oci_spec *spec, const struct vps_rootfs_opts *o, int rootfs_fd,
			vps_err *err)
{
	int r = vps_pivot_root(o->rootfs, rootfs_fd, o->no_pivot, err);
	if (r < 0)
		return r;
	unsigned long prop = spec->has_linux ? spec->lx.rootfs_propagation : 0;
	if (prop && mount(NULL, "/", NULL, prop, NULL) < 0)
		return vps_error(err, errno, "rootfsPropagation on /");
	if (spec->root_readonly) {
		struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
		if (mount_setattr(AT_FDCWD, "/", 0, &a, sizeof(a)) < 0)
			return vps_error(err, errno, "make the root read-only");
	}
	return 0;
}

/* The propagation of / before anything is mounted. */
static int prepare_root(const struct oci_spec *spec, const struct vps_rootfs_opts *o, vps_err *err)
{
	unsigned long prop = spec->has_linux ? spec->lx.rootfs_propagation : 0;
	/* shared: / is made shared, so its mounts stay peers of the host's and a
	 * shared volume propagates both ways (runc); only the mount holding the
	 * rootfs, which pivot_root needs unshared, is made private. --no-pivot
	 * detaches the host's mounts, so it makes them slaves first; an unbindable
	 * / cannot be bound: both get the propagation after pivot_root only. */
	bool shared = (prop & MS_SHARED) && !o->no_pivot;
	if (!shared && (!prop || (prop & (MS_SHARED | MS_UNBINDABLE))))
		prop = MS_SLAVE | MS_REC;
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return vps_error(err, errno, "make / %s",
				 (prop & MS_PRIVATE) ? "private"
				 : shared	     ? "shared"
						     : "rslave");
	return shared ? vps_pivot_private_parent(o->rootfs, err) : 0;
}

int vps_rootfs_check_no_mntns(const struct oci_spec *spec, vps_err *err)
{
	const struct oci_linux *lx = &spec->lx;
	const struct {
		bool asks;
		const char *what;
	} needs[] = {
	    {spec->n_mounts > 0, ".mounts"},
	    {lx->n_masked_paths > 0, ".linux.maskedPaths"},
	    {lx->n_readonly_paths > 0, ".linux.readonlyPaths"},
	    {lx->n_devices > 0, ".linux.devices"},
	    {lx->rootfs_propagation != 0, ".linux.rootfsPropagation"},
	    {spec->root_readonly, ".root.readonly"},
	    {spec->process && spec->process->terminal, ".process.terminal"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(needs); i++)
		if (needs[i].asks)
			return vps_errorx(err, EINVAL,
					  "config.json: %s: needs a mount namespace (add "
					  "{\"type\": \"mount\"} to .linux.namespaces): without "
					  "one the caller's mounts are not touched",
					  needs[i].what);
	return 0;
}

/* The caller's mount namespace: chroot into the rootfs, mount nothing. */
static int enter_shared_mntns(const struct vps_rootfs_opts *o, vps_err *err)
{
	_cleanup_close_ int fd = open(o->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "open the rootfs %s", o->rootfs);
	if (fchdir(fd) < 0) /* the hooks run in the container's root */
		return vps_error(err, errno, "chdir to the rootfs %s", o->rootfs);
	int r = o->before_pivot ? o->before_pivot(o->before_pivot_arg, err) : 0;
	if (r < 0)
		return r;
	if (fchdir(fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return vps_error(err, errno, "chroot to the rootfs %s", o->rootfs);
	return 0;
}

/* The rootfs as a mount of its own: bound onto itself, the VPS's disk moved
 * there, or the tree made on the host side attached on its directory. Returns an O_PATH fd of its
 * root. */
static int attach_rootfs(const struct vps_rootfs_opts *o, vps_err *err)
{
	if (o->root_tree < 0 || o->root_target < 0) {
		if (o->disk_fd >= 0) {
			if (move_mount(o->disk_fd, "", AT_FDCWD, o->rootfs,
				       MOVE_MOUNT_F_EMPTY_PATH) < 0)
				return vps_error(err, errno, "mount the disk on the rootfs %s",
						 o->rootfs);
		} else if (mount(o->rootfs, o->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
			return vps_error(err, errno, "bind the rootfs %s onto itself", o->rootfs);
		int fd = open(o->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		return fd >= 0 ? fd : vps_error(err, errno, "open the rootfs %s", o->rootfs);
	}
	if (move_mount(o->root_tree, "", o->root_target, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return vps_error(err, errno, "attach the rootfs %s", o->rootfs);
	int fd = openat(o->root_tree, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd >= 0 ? fd : vps_error(err, errno, "open the rootfs %s", o->rootfs);
}

int vps_rootfs_setup(const struct oci_spec *spec, const struct vps_rootfs_opts *o, vps_err *err)
{
	if (o->no_mntns)
		return enter_shared_mntns(o, err);
	/* Filesystems are mounted on /proc/self/fd/N of the resolved target. */
	if (access("/proc/self/fd", X_OK) < 0)
		return vps_error(err, errno,
				 "rootfs set-up needs a procfs at /proc (/proc/self/fd)");
	int r = prepare_root(spec, o, err);
	if (r < 0)
		return r;
	_cleanup_close_ int rootfs_fd = attach_rootfs(o, err);
	if (rootfs_fd < 0)
		return rootfs_fd;

	_cleanup_(close_kernfs) struct vps_kernfs_fds kfs = {-1, -1};
	struct vps_mount_ctx c = {.rootfs_fd = rootfs_fd,
				  .spec = spec,
				  .in_userns = o->in_userns,
				  .new_cgroupns = o->new_cgroupns,
				  .source_fds = o->source_fds,
				  .kfs = &kfs};
	const struct oci_mount *devm = find_mount(spec, "/dev");
	if (!devm)
		r = vps_dev_mount_tmpfs(&c, err);
	for (size_t i = 0; r == 0 && i < spec->n_mounts; i++)
		r = vps_mount_one(&c, &spec->mounts[i], err);
	if (r == 0 && !devm)
		r = vps_dev_mount_extra(&c, err);
	if (r == 0 && (!devm || !vps_mount_is_bind(devm)))
		r = vps_dev_populate(&c, err);
	if (r == 0)
		r = vps_mount_finish_ro(&c, err);
	if (r == 0 && spec->has_linux) {
		r = vps_mask_paths(&c, spec->lx.masked_paths, spec->lx.n_masked_paths, err);
		if (r == 0)
			r = vps_readonly_paths(&c, spec->lx.readonly_paths,
					       spec->lx.n_readonly_paths, err);
	}
	/* the hooks run in the container's root (runc); through the fd, which a
	 * mapped root can use where it could not look the path up */
	if (r == 0 && o->before_pivot && fchdir(rootfs_fd) < 0)
		r = vps_error(err, errno, "chdir to the rootfs %s", o->rootfs);
	if (r == 0 && o->before_pivot)
		r = o->before_pivot(o->before_pivot_arg, err);
	if (r < 0)
		return r;
	return enter_rootfs(spec, o, rootfs_fd, err);
}
