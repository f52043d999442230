/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bind-mount sources opened on the host side (issue 13 item 3), as runc does:
 * in a container with a user namespace the init is the namespace's root, which
 * cannot look up a source the host's root can reach only (a 0700 root-owned
 * host directory, for instance). Right after the clone, before GO, a helper of
 * ours (host credentials) joins the init's new mount namespace, opens every
 * absolute bind source there with O_PATH and sends the fds over the sync
 * socket (VPS_SYNC_MOUNTFD, code = the mount's index); the init clones the
 * tree from the fd (open_tree AT_EMPTY_PATH). A source the helper cannot open
 * is left to the init's own lookup, which names the error. The same helper
 * sends the rootfs mount point of a VPS with a mapped root (create_root.c). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs/rootfs.h"
#include "runtime/create.h"
#include "util/fmt.h"

static bool wants_sources(const struct oci_spec *s)
{
	const struct oci_namespace *mnt = &s->lx.namespaces[OCI_NS_MOUNT];
	if (!s->lx.namespaces[OCI_NS_USER].present || !mnt->present || mnt->path)
		return false;
	for (size_t i = 0; i < s->n_mounts; i++)
		if (vps_mount_is_bind(&s->mounts[i]) && s->mounts[i].source &&
		    s->mounts[i].source[0] == '/')
			return true;
	return false;
}

/* The rootfs directory as the init's mount namespace has it: where the init
 * attaches the tree create_root.c sent. 0 or an errno. */
static int send_root(const char *rootfs, int sock)
{
	int fd = open(rootfs, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int r = vps_sync_send(sock, VPS_SYNC_ROOTFD, VPS_ROOTFD_TARGET, NULL, 0, fd);
	close(fd);
	return -r;
}

/* the helper: 0 or an errno */
static int send_sources(const struct cctx *c, int mntns, int sock)
{
	const struct oci_spec *s = c->spec;
	if (setns(mntns, CLONE_NEWNS) < 0)
		return errno;
	int e = vps_create_wants_root(s) ? send_root(c->rootfs, sock) : 0;
	if (e)
		return e;
	for (size_t i = 0; i < s->n_mounts && i < INT32_MAX; i++) {
		const struct oci_mount *m = &s->mounts[i];
		if (!vps_mount_is_bind(m) || !m->source || m->source[0] != '/')
			continue;
		int fd = open(m->source, O_PATH | O_CLOEXEC);
		if (fd < 0)
			continue;
		int r = vps_sync_send(sock, VPS_SYNC_MOUNTFD, (int32_t)i, NULL, 0, fd);
		close(fd);
		if (r < 0)
			return -r;
	}
	return 0;
}

int vps_create_mount_sources(struct cctx *c, vps_err *err)
{
	if (!wants_sources(c->spec) && !vps_create_wants_root(c->spec))
		return 0;
	struct vps_procpath path_pp;
	const char *path = vps_procpath(&path_pp, c->pid, "ns/mnt");
	int ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return vps_error(err, errno, "bind sources: open the init's mount namespace");
	pid_t h = fork();
	if (h == 0)
		_exit(send_sources(c, ns, c->sync[0]) & 0xff);
	int e = errno, st = 0;
	close(ns);
	if (h < 0)
		return vps_error(err, e, "bind sources: fork");
	for (int tries = 0; tries < 8 && waitpid(h, &st, 0) < 0; tries++)
		if (errno != EINTR)
			return vps_error(err, errno, "bind sources: wait for the helper");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return vps_errorx(err, WIFEXITED(st) && WEXITSTATUS(st) ? WEXITSTATUS(st) : EIO,
				  "rootfs and bind sources: open them in the init's mount "
				  "namespace: %s",
				  WIFEXITED(st) ? strerror(WEXITSTATUS(st)) : "helper killed");
	return 0;
}
