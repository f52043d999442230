/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One entry of the OCI mount list. Targets are resolved (and created) inside
 * the rootfs and then used only through O_PATH fds: bind mounts are cloned
 * with open_tree() and attached with move_mount() onto the target fd,
 * filesystems are mounted on /proc/self/fd/N of the target fd, so a symlink in
 * the rootfs can never redirect a mount onto the host. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "rootfs/internal.h"
#include "rootfs/rootfs.h"
#include "rootfs/userns.h"
#include "util/cleanup.h"
#include "util/fmt.h"

static int setattr(int fd, unsigned flags, uint64_t set, uint64_t clr, uint64_t prop,
		   const char *what, vps_err *err)
{
	struct mount_attr a = {.attr_set = set, .attr_clr = clr, .propagation = prop};
	if (mount_setattr(fd, "", AT_EMPTY_PATH | flags, &a, sizeof(a)) < 0)
		return vps_error(err, errno, "%s: set mount attributes", what);
	return 0;
}

int vps_mount_apply_attrs(int fd, const struct vps_mntopts *o, const char *what, vps_err *err)
{
	int r;
	if (o->rattr_set || o->rattr_clr) {
		r = setattr(fd, AT_RECURSIVE, o->rattr_set, o->rattr_clr, 0, what, err);
		if (r < 0)
			return r;
	}
	for (int i = 0; i < o->n_prop; i++) {
		unsigned long p = o->prop[i];
		r = setattr(fd, (p & MS_REC) ? AT_RECURSIVE : 0, 0, 0, p & ~MS_REC, what, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int vps_attach_tree(int tree, int target_fd, const struct vps_mntopts *o, const char *what,
		    vps_err *err)
{
	int r;
	if (o->attr_set || o->attr_clr) {
		r = setattr(tree, 0, o->attr_set, o->attr_clr, 0, what, err);
		if (r < 0)
			return r;
	}
	if (move_mount(tree, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return vps_error(err, errno, "%s: attach the mount", what);
	/* Recursive attributes and propagation on the attached tree (propagation
	 * cannot be set on a detached mount). */
	return vps_mount_apply_attrs(tree, o, what, err);
}

int vps_mount_fs_at(const char *source, int target_fd, const char *type, unsigned long flags,
		    const char *data, const char *what, vps_err *err)
{
	struct vps_fdpath p;
	if (mount(source, vps_fdpath(&p, target_fd), type, flags, data) < 0)
		return vps_error(err, errno, "%s: mount %s", what, type ? type : "");
	return 0;
}

/* "a,gid=5,b" -> "a,b" (devpts in a user namespace that has no gid 5). */
static void drop_opt(char *data, const char *prefix)
{
	size_t pl = strlen(prefix);
	char *p = data;
	while (p && *p) {
		char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) + 1 : strlen(p);
		if (!strncmp(p, prefix, pl)) {
			memmove(p, p + n, strlen(p + n) + 1);
			continue;
		}
		p += n;
	}
	size_t l = data ? strlen(data) : 0;
	if (l && data[l - 1] == ',')
		data[l - 1] = '\0';
}

/* The source opened on the host side before the user namespace (a directory
 * the container's root cannot traverse stays mountable), or -1. */
static int source_fd(const struct vps_mount_ctx *c, const struct oci_mount *m)
{
	const struct oci_mount *first = c->spec->mounts;
	if (!c->source_fds || m < first || m >= first + c->spec->n_mounts)
		return -1;
	return c->source_fds[m - first];
}

static int bind_mount(const struct vps_mount_ctx *c, const struct oci_mount *m,
		      const struct vps_mntopts *o, const char *src, const char *what, vps_err *err)
{
	struct stat st;
	int sfd = source_fd(c, m);
	if ((sfd >= 0 ? fstat(sfd, &st) : stat(src, &st)) < 0)
		return vps_error(err, errno, "%s: bind source %s", what, src);
	_cleanup_close_ int target =
	    vps_mkpath_in_root(c->rootfs_fd, m->destination, S_ISDIR(st.st_mode), err);
	if (target < 0)
		return vps_error_wrap(err, "%s", what);
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (o->rec ? AT_RECURSIVE : 0);
	_cleanup_close_ int tree =
	    sfd >= 0 ? open_tree(sfd, "", flags | AT_EMPTY_PATH) : open_tree(AT_FDCWD, src, flags);
	if (tree < 0)
		return vps_error(err, errno, "%s: clone %s", what, src);
	if (o->idmap) {
		_cleanup_close_ int ns = vps_idmap_userns(m->uid_mappings, m->n_uid_mappings,
							  m->gid_mappings, m->n_gid_mappings, err);
		if (ns < 0)
			return vps_error_wrap(err, "%s: idmap", what);
		struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)ns};
		if (mount_setattr(tree, "", AT_EMPTY_PATH | (o->ridmap ? AT_RECURSIVE : 0), &a,
				  sizeof(a)) < 0)
			return vps_error(err, errno, "%s: idmapped mount", what);
	}
	return vps_attach_tree(tree, target, o, what, err);
}

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x1000U
#endif

uint64_t vps_mnt_id(int fd)
{
	struct statx sx;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID))
		return 0;
	return sx.stx_mnt_id;
}

/* The root of the mount just made on TARGET, looked up again by path: it must
 * be another mount than the one TARGET is on, else the path changed under us. */
static int reopen_new_mount(const struct vps_mount_ctx *c, const struct oci_mount *m, int target,
			    const char *what, vps_err *err)
{
	int fd = vps_path_in_root(c->rootfs_fd, m->destination, err);
	if (fd < 0)
		return fd;
	uint64_t under = vps_mnt_id(target), now = vps_mnt_id(fd);
	if (under && under == now) {
		close(fd);
		return vps_errorx(err, EAGAIN, "%s: the mount point changed during set-up", what);
	}
	return fd;
}

static bool has_mode_opt(const char *data)
{
	return data && (!strncmp(data, "mode=", 5) || strstr(data, ",mode="));
}

/* A tmpfs over a directory that is already there keeps that directory's mode
 * unless the options give one, as in runc (a directory made for it gets the
 * tmpfs default, 1777). As an option, so a read-only tmpfs gets it too. */
static int tmpfs_keep_mode(const struct vps_mount_ctx *c, const struct oci_mount *m,
			   struct vps_mntopts *o, vps_err *err)
{
	if (strcmp(m->type, "tmpfs") || has_mode_opt(o->data))
		return 0;
	vps_err missing = {0}; /* not there yet: made below, or the error named there */
	_cleanup_close_ int fd =
	    vps_open_in_root(c->rootfs_fd, m->destination, O_PATH | O_DIRECTORY, 0, &missing);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return 0;
	char w[16];
	/* fits: mode=7777 at most */
	vps_snprintf(w, sizeof(w), "mode=%o", (unsigned)(st.st_mode & 07777));
	return vps_mntopts_add_data(o, w, err);
}

/* runc mounts a tmpfs and /dev read-write and makes them read-only at the end
 * of the set-up (vps_mount_finish_ro): mount points, device nodes and
 * tmpcopyup content under them come first. */
static bool delays_ro(const struct oci_mount *m)
{
	return (m->type && !strcmp(m->type, "tmpfs")) || !strcmp(m->destination, "/dev") ||
	       !strcmp(m->destination, "/dev/");
}

int vps_mount_finish_ro(const struct vps_mount_ctx *c, vps_err *err)
{
	for (size_t i = 0; i < c->spec->n_mounts; i++) {
		const struct oci_mount *m = &c->spec->mounts[i];
		if (!delays_ro(m))
			continue;
		struct vps_mntopts o;
		int r = vps_mntopts_parse(m->options, m->n_options, &o, err);
		bool ro = r == 0 && (o.flags & MS_RDONLY) && !o.bind && !o.remount &&
			  (!m->type || strcmp(m->type, "bind"));
		vps_mntopts_free(&o);
		if (r < 0 || !ro)
			continue; /* a parse error was reported when it was mounted */
		_cleanup_close_ int fd = vps_path_in_root(c->rootfs_fd, m->destination, err);
		if (fd < 0 ||
		    (r = setattr(fd, 0, MOUNT_ATTR_RDONLY, 0, 0, m->destination, err)) < 0)
			return vps_error_wrap(err, "make %s read-only", m->destination);
	}
	return 0;
}

static int fs_mount(const struct vps_mount_ctx *c, const struct oci_mount *m, struct vps_mntopts *o,
		    const char *what, vps_err *err)
{
	const char *type = m->type;
	const char *src = m->source ? m->source : type;
	if (delays_ro(m))
		o->flags &= ~(unsigned long)MS_RDONLY;
	if (tmpfs_keep_mode(c, m, o, err) < 0)
		return vps_error_wrap(err, "%s", what);
	_cleanup_close_ int target = vps_mkpath_in_root(c->rootfs_fd, m->destination, true, err);
	if (target < 0)
		return vps_error_wrap(err, "%s", what);
	/* the directory the tmpfs will cover, still reachable through this fd */
	_cleanup_close_ int under = -1;
	if (o->tmpcopyup && !strcmp(type, "tmpfs") &&
	    (under = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return vps_error(err, errno, "%s: tmpcopyup: open the directory", what);
	int r = vps_mount_fs_at(src, target, type, o->flags, o->data, what, err);
	if (r == 0 && under >= 0) {
		_cleanup_close_ int top = reopen_new_mount(c, m, target, what, err);
		_cleanup_close_ int dst =
		    top < 0 ? -1 : openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dst < 0)
			return top < 0 ? top
				       : vps_error(err, errno, "%s: open the new tmpfs", what);
		if ((r = vps_copyup(under, dst, what, err)) < 0)
			return r;
	}
	if (r < 0 && c->in_userns && !strcmp(type, "devpts") && o->data &&
	    strstr(o->data, "gid=")) {
		drop_opt(o->data, "gid=");
		r = vps_mount_fs_at(src, target, type, o->flags, o->data, what, err);
	}
	const char *host = !strcmp(type, "sysfs")    ? "/sys"
			   : !strcmp(type, "mqueue") ? "/dev/mqueue"
						     : NULL;
	if (r == -EPERM && c->in_userns && host) {
		/* A user namespace without its own network (sysfs) or IPC (mqueue)
		 * namespace may not mount these; bind the host's, as runc does. */
		_cleanup_close_ int tree =
		    open_tree(AT_FDCWD, host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (tree < 0)
			return vps_error(err, errno, "%s: clone %s", what, host);
		vps_err_clear(err);
		struct vps_mntopts b = *o; /* the host's submounts get the same flags */
		b.rattr_set |= o->attr_set;
		b.rattr_clr |= o->attr_clr;
		return vps_attach_tree(tree, target, &b, what, err);
	}
	if (r < 0)
		return r;
	if (!o->rattr_set && !o->rattr_clr && !o->n_prop)
		return 0;
	_cleanup_close_ int root = reopen_new_mount(c, m, target, what, err);
	if (root < 0)
		return root;
	return vps_mount_apply_attrs(root, o, what, err);
}

static int remount(const struct vps_mount_ctx *c, const struct oci_mount *m,
		   const struct vps_mntopts *o, const char *what, vps_err *err)
{
	_cleanup_close_ int target = vps_path_in_root(c->rootfs_fd, m->destination, err);
	if (target < 0)
		return vps_error_wrap(err, "%s", what);
	int r;
	if (o->bind || !m->type) {
		/* A bind remount changes per-mount flags only: mount_setattr keeps the
		 * flags nobody asked to change (and locked ones) as they are. */
		r = setattr(target, 0, o->attr_set, o->attr_clr, 0, what, err);
	} else {
		r = vps_mount_fs_at(m->source, target, m->type, o->flags | MS_REMOUNT, o->data,
				    what, err);
	}
	if (r < 0)
		return r;
	return vps_mount_apply_attrs(target, o, what, err);
}

int vps_mount_one(const struct vps_mount_ctx *c, const struct oci_mount *m, vps_err *err)
{
	char what[512];
	/* snprintf-ok: the prefix of error messages */
	snprintf(what, sizeof(what), "mount %s on %s", m->source ? m->source : "(none)",
		 m->destination);
	struct vps_mntopts o;
	int r = vps_mntopts_parse(m->options, m->n_options, &o, err);
	if (r < 0)
		return vps_error_wrap(err, "%s", what);
	const char *type = m->type;
	if (type && !strcmp(type, "bind"))
		o.bind = true;
	/* uidMappings/gidMappings on a bind mount ask for an idmapped mount. */
	o.idmap |= o.bind && (m->n_uid_mappings || m->n_gid_mappings);
	if ((o.idmap || m->n_uid_mappings || m->n_gid_mappings) && !o.bind) {
		r = vps_errorx(err, EINVAL, "%s: idmap is only supported on bind mounts", what);
	} else if (o.idmap && c->in_userns) {
		/* The helper namespace would be a child of the container's, so the
		 * maps' host ids would be read in the wrong namespace. */
		r = vps_errorx(err, ENOTSUP,
			       "%s: idmapped mounts in a container with a user namespace are not "
			       "supported yet",
			       what);
	} else if (o.remount) {
		r = remount(c, m, &o, what, err);
	} else if (o.bind) {
		if (!m->source)
			r = vps_errorx(err, EINVAL, "%s: a bind mount needs a source", what);
		else
			r = bind_mount(c, m, &o, m->source, what, err);
	} else if (type && (!strcmp(type, "cgroup") || !strcmp(type, "cgroup2"))) {
		r = vps_mount_cgroup(c, m, &o, err);
	} else if (vps_is_kernfs(type)) {
		r = vps_mount_kernfs(c, m, &o, what, err);
		/* a user namespace may not make a sysfs: fs_mount binds the host's */
		if (r == -EPERM && c->in_userns && !strcmp(type, "sysfs")) {
			vps_err_clear(err);
			r = fs_mount(c, m, &o, what, err);
		}
	} else if (!type) {
		r = vps_errorx(err, EINVAL, "%s: no type and not a bind mount", what);
	} else {
		r = fs_mount(c, m, &o, what, err);
	}
	vps_mntopts_free(&o);
	return r;
}
