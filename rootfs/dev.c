/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /dev: a tmpfs (unless the spec mounts /dev itself), pts/shm/mqueue, the
 * default devices, the spec's devices (mknod, or a bind of the host node in a
 * user namespace) and the standard symlinks. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "util/cleanup.h"
#include "util/log.h"

static int mount_simple(const struct vps_mount_ctx *c, const char *dest, const char *type,
			char **opts, size_t n, vps_err *err)
{
	struct oci_mount m = {.destination = (char *)dest,
			      .source = (char *)type,
			      .type = (char *)type,
			      .options = opts,
			      .n_options = n};
	return vps_mount_one(c, &m, err);
}

int vps_dev_mount_tmpfs(const struct vps_mount_ctx *c, vps_err *err)
{
	static char *o[] = {"nosuid", "strictatime", "mode=755", "size=65536k"};
	return mount_simple(c, "/dev", "tmpfs", o, ARRAY_SIZE(o), err);
}

static bool spec_mounts(const struct oci_spec *s, const char *dest)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (!strcmp(s->mounts[i].destination, dest))
			return true;
	return false;
}

int vps_dev_mount_extra(const struct vps_mount_ctx *c, vps_err *err)
{
	static char *pts[] = {"nosuid",	       "noexec",    "newinstance",
			      "ptmxmode=0666", "mode=0620", "gid=5"};
	static char *shm[] = {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"};
	static char *mq[] = {"nosuid", "noexec", "nodev"};
	int r = 0;
	if (!spec_mounts(c->spec, "/dev/pts"))
		r = mount_simple(c, "/dev/pts", "devpts", pts, ARRAY_SIZE(pts), err);
	if (r == 0 && !spec_mounts(c->spec, "/dev/shm"))
		r = mount_simple(c, "/dev/shm", "tmpfs", shm, ARRAY_SIZE(shm), err);
	if (r == 0 && !spec_mounts(c->spec, "/dev/mqueue")) {
		vps_err e = {0};
		if (mount_simple(c, "/dev/mqueue", "mqueue", mq, ARRAY_SIZE(mq), &e) < 0)
			log_warn("/dev/mqueue not mounted (no own IPC namespace?): %s", e.msg);
	}
	return r;
}

struct dev {
	const char *path;
	char type;
	unsigned maj, min;
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

static mode_t type_bits(char t)
{
	return t == 'b' ? S_IFBLK : t == 'p' ? S_IFIFO : S_IFCHR;
}

/* In a user namespace mknod is not allowed: bind the host's node instead,
 * after checking that it is the device the spec names. */
static int bind_host_node(int rootfs_fd, const struct dev *d, vps_err *err)
{
	_cleanup_close_ int tree =
	    open_tree(AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return vps_error(err, errno, "device %s: clone the host node", d->path);
	struct stat st;
	if (fstat(tree, &st) < 0)
		return vps_error(err, errno, "device %s: stat the host node", d->path);
	if ((st.st_mode & S_IFMT) != type_bits(d->type) ||
	    (d->type != 'p' && st.st_rdev != makedev(d->maj, d->min)))
		return vps_errorx(err, EINVAL, "device %s: the host node is not %c %u:%u", d->path,
				  d->type, d->maj, d->min);
	_cleanup_close_ int target = vps_mkpath_in_root(rootfs_fd, d->path, false, err);
	if (target < 0)
		return target;
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return vps_error(err, errno, "device %s: bind the host node", d->path);
	return 0;
}

static int make_node(int rootfs_fd, const struct dev *d, bool in_userns, vps_err *err)
{
	/* FIFOs need no privilege; device nodes need CAP_MKNOD in the initial
	 * user namespace. */
	if (in_userns && d->type != 'p')
		return bind_host_node(rootfs_fd, d, err);
	const char *base;
	_cleanup_close_ int parent = vps_parent_in_root(rootfs_fd, d->path, &base, err);
	if (parent < 0)
		return vps_error_wrap(err, "device %s", d->path);
	if (strchr(base, '/'))
		return vps_errorx(err, EINVAL, "device %s: bad path", d->path);
	/* the caller cleared the umask: the mode is exactly the one asked for */
	int r =
	    mknodat(parent, base, type_bits(d->type) | (d->mode & 07777), makedev(d->maj, d->min));
	int e = errno;
	if (r < 0 && e == EEXIST) {
		/* Replace whatever the rootfs has there (never follow it). */
		if (unlinkat(parent, base, 0) < 0)
			return vps_error(err, errno, "device %s: remove the existing file",
					 d->path);
		r = mknodat(parent, base, type_bits(d->type) | (d->mode & 07777),
			    makedev(d->maj, d->min));
		e = errno;
	}
	if (r < 0 && e == EPERM && d->type != 'p')
		return bind_host_node(rootfs_fd, d, err); /* no CAP_MKNOD after all */
	if (r < 0)
		return vps_error(err, e, "device %s: mknod", d->path);
	if (fchownat(parent, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return vps_error(err, errno, "device %s: chown", d->path);
	return 0;
}

static const struct dev defaults[] = {
    {"/dev/null", 'c', 1, 3, 0666, 0, 0},    {"/dev/zero", 'c', 1, 5, 0666, 0, 0},
    {"/dev/full", 'c', 1, 7, 0666, 0, 0},    {"/dev/random", 'c', 1, 8, 0666, 0, 0},
    {"/dev/urandom", 'c', 1, 9, 0666, 0, 0}, {"/dev/tty", 'c', 5, 0, 0666, 0, 0},
};

static bool spec_has_device(const struct oci_spec *s, const char *path)
{
	for (size_t i = 0; s->has_linux && i < s->lx.n_devices; i++)
		if (!strcmp(s->lx.devices[i].path, path))
			return true;
	return false;
}

static int symlinks(int rootfs_fd, vps_err *err)
{
	static const char *const links[][2] = {
	    {"/proc/self/fd", "fd"},	   {"/proc/self/fd/0", "stdin"},
	    {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
	    {"/proc/kcore", "core"},
	};
	_cleanup_close_ int dev = vps_mkdir_in_root(rootfs_fd, "/dev", 0755, err);
	if (dev < 0)
		return dev;
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		if (!strcmp(links[i][1], "core") && access("/proc/kcore", F_OK) < 0)
			continue;
		if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
			return vps_error(err, errno, "symlink /dev/%s", links[i][1]);
	}
	/* /dev/ptmx is the pts instance's multiplexer. */
	if (unlinkat(dev, "ptmx", 0) < 0 && errno != ENOENT)
		return vps_error(err, errno, "remove /dev/ptmx");
	if (symlinkat("pts/ptmx", dev, "ptmx") < 0)
		return vps_error(err, errno, "symlink /dev/ptmx");
	return 0;
}

/* process.terminal: the empty file the console is bound on later, made now
 * while /dev is writable (a read-only /dev is made so before the console). */
static int console_target(int rootfs_fd, vps_err *err)
{
	_cleanup_close_ int dev = vps_mkdir_in_root(rootfs_fd, "/dev", 0755, err);
	if (dev < 0)
		return dev;
	if (unlinkat(dev, "console", 0) < 0 && errno != ENOENT)
		return vps_error(err, errno, "remove /dev/console");
	int f = openat(dev, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (f < 0)
		return vps_error(err, errno, "create /dev/console");
	close(f);
	return 0;
}

static int populate(const struct vps_mount_ctx *c, vps_err *err)
{
	int r;
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
		if (spec_has_device(c->spec, defaults[i].path))
			continue;
		r = make_node(c->rootfs_fd, &defaults[i], c->in_userns, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; c->spec->has_linux && i < c->spec->lx.n_devices; i++) {
		const struct oci_device *sd = &c->spec->lx.devices[i];
		struct dev d = {
		    .path = sd->path,
		    .type = sd->type == 'u' ? 'c' : sd->type,
		    .maj = (unsigned)sd->major,
		    .min = (unsigned)sd->minor,
		    .mode = sd->file_mode.set ? (mode_t)sd->file_mode.v : 0666,
		    .uid = sd->uid.set ? (uid_t)sd->uid.v : 0,
		    .gid = sd->gid.set ? (gid_t)sd->gid.v : 0,
		};
		r = make_node(c->rootfs_fd, &d, c->in_userns, err);
		if (r < 0)
			return r;
	}
	r = symlinks(c->rootfs_fd, err);
	if (r == 0 && c->spec->process && c->spec->process->terminal)
		r = console_target(c->rootfs_fd, err);
	return r;
}

/* One umask(0) around every node (device modes are exact; directories made on
 * the way get 0755 whatever umask vps inherited), not a pair per node. */
int vps_dev_populate(const struct vps_mount_ctx *c, vps_err *err)
{
	mode_t old = umask(0);
	int r = populate(c, err);
	umask(old);
	return r;
}
