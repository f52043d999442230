/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rootfs of a VPS with its own user namespace, made on the host side.
 * The init is root of its user namespace only: it cannot look up a rootfs
 * inside a 0700 bundle directory, and it may not make an idmapped mount (that
 * needs CAP_SYS_ADMIN over the filesystem's namespace). So, after the id maps
 * are written and before GO, we clone the rootfs tree (open_tree, detached),
 * idmap it with the init's user namespace when the bundle asks for it
 * (org.vps.rootfs.idmap "mount": on-disk owner 0 is seen as the VPS's root,
 * host id BASE; a file the VPS makes is stored with its in-VPS owner), and
 * send it over the sync socket. The mount point, opened in the init's mount
 * namespace, comes from vps_create_mount_sources' helper; the init attaches
 * the tree there (rootfs/setup.c). The tree on disk is never chowned. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "rootfs/userns.h"
#include "runtime/create.h"
#include "util/cleanup.h"
#include "util/fmt.h"

bool vps_create_wants_root(const struct oci_spec *s)
{
	const char *u = oci_annotation(s, VPS_ANN_USERNS);
	const struct oci_namespace *mnt = &s->lx.namespaces[OCI_NS_MOUNT];
	return u && !strcmp(u, "mapped") && s->lx.namespaces[OCI_NS_USER].present &&
	       !s->lx.namespaces[OCI_NS_USER].path && mnt->present && !mnt->path;
}

static int idmap_tree(const char *rootfs, int tree, int ns, vps_err *err)
{
	struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)ns};
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
		return vps_error(
		    err, errno,
		    "rootfs %s: idmapped mount (needs Linux 5.12+ and a filesystem "
		    "that supports it; `vps bundle` shifts the owners where it cannot)",
		    rootfs);
	return 0;
}

static bool idmapped(const struct oci_spec *s)
{
	const char *how = oci_annotation(s, VPS_ANN_ROOTFS_IDMAP);
	return vps_create_wants_root(s) && how && !strcmp(how, "mount");
}

static int idmap_init_tree(struct cctx *c, int tree, vps_err *err)
{
	struct vps_procpath path_pp;
	const char *path = vps_procpath(&path_pp, c->pid, "ns/user");
	_cleanup_close_ int ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return vps_error(err, errno, "rootfs: open the init's user namespace");
	return idmap_tree(c->rootfs, tree, ns, err);
}

int vps_create_root_attach(const struct oci_spec *s, const char *rootfs, const char *target,
			   vps_err *err)
{
	if (!idmapped(s))
		return 0;
	const struct oci_linux *lx = &s->lx;
	_cleanup_close_ int tree =
	    open_tree(AT_FDCWD, rootfs, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return vps_error(err, errno, "rootfs %s: clone the tree", rootfs);
	_cleanup_close_ int ns = vps_idmap_userns(lx->uid_mappings, lx->n_uid_mappings,
						  lx->gid_mappings, lx->n_gid_mappings, err);
	if (ns < 0)
		return vps_error_wrap(err, "rootfs %s", rootfs);
	int r = idmap_tree(rootfs, tree, ns, err);
	if (r < 0)
		return r;
	if (move_mount(tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return vps_error(err, errno, "rootfs %s: attach on %s", rootfs, target);
	return 1;
}

int vps_create_root_check(const struct oci_spec *s, vps_err *err)
{
	if (!vps_create_wants_root(s))
		return 0;
	const char *how = oci_annotation(s, VPS_ANN_ROOTFS_IDMAP);
	if (how && strcmp(how, "mount") && strcmp(how, "shifted"))
		return vps_errorx(err, EINVAL,
				  "config.json: annotation %s \"%s\": expected mount or shifted",
				  VPS_ANN_ROOTFS_IDMAP, how);
	if (s->lx.rootfs_propagation & MS_SHARED)
		return vps_errorx(err, EINVAL,
				  "config.json: .linux.rootfsPropagation shared: not supported "
				  "with %s mapped",
				  VPS_ANN_USERNS);
	return 0;
}

int vps_create_root_tree(struct cctx *c, vps_err *err)
{
	if (!vps_create_wants_root(c->spec))
		return 0;
	const char *how = oci_annotation(c->spec, VPS_ANN_ROOTFS_IDMAP);
	/* a disk VPS: its detached ext4 mount (create_disk.c) is the tree */
	_cleanup_close_ int tree =
	    c->disk_fd >= 0 ? fcntl(c->disk_fd, F_DUPFD_CLOEXEC, 3)
			    : open_tree(AT_FDCWD, c->rootfs,
					OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return vps_error(err, errno, "rootfs %s: clone the tree", c->rootfs);
	int r = how && !strcmp(how, "mount") ? idmap_init_tree(c, tree, err) : 0;
	if (r < 0)
		return r;
	if ((r = vps_sync_send(c->sync[0], VPS_SYNC_ROOTFD, VPS_ROOTFD_TREE, NULL, 0, tree)) < 0)
		return vps_error(err, -r, "sync: send the rootfs");
	return 0;
}
