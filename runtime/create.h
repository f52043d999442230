/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The create steps (create.c drives them; create_steps.c implements them). */
#pragma once
#include <limits.h>

#include "cgroups/cgroup.h"
#include "runtime/internal.h"
#include "runtime/procview.h"

struct cctx {
	const struct vps_create_opts *o;
	struct oci_spec *spec;
	struct vps_state *st;
	struct vps_cgroup *cg;
	struct vps_seccomp *sc;
	char bundle[PATH_MAX], rootfs[PATH_MAX], dir[PATH_MAX];
	char *config; /* the config.json bytes spec was parsed from (specs/bundle.h) */
	size_t config_len;
	int dirfd, lockfd, barrier, sync[2], ns_fds[OCI_NS_MAX];
	uint64_t clone_flags;
	bool stored;
	bool for_run; /* run starts it at once: no "created" save (start saves "running") */
	bool monitor; /* the VPS's monitor creates it: it keeps the pty as is */
	pid_t pid;
	int pidfd, pty;
	int stdio[2];		/* detached VPS face: /dev/null, console.log; else -1 */
	struct vps_procview pv; /* the VPS's own /proc view (procview.c) */
	int disk_fd;		/* org.vps.disk: the detached mount of its image; else -1 */
	int sysinfo;		/* monitor: the init's sysinfo listener (sysinfo.h); else -1 */
};

/* After the clone, before GO: send the init its bind sources opened on the
 * host side (user namespace and a new mount namespace only; create_mountsrc.c) */
int vps_create_mount_sources(struct cctx *c, vps_err *err);

/* A VPS-face bundle with its own user namespace (annotation org.vps.userns
 * "mapped"): the rootfs is cloned on the host side (open_tree), idmapped with
 * the init's user namespace when org.vps.rootfs.idmap is "mount", and sent to
 * the init, which cannot look its path up through a 0700 bundle dir
 * (create_root.c). vps_create_mount_sources' helper sends the mount point. */
bool vps_create_wants_root(const struct oci_spec *s);
/* Its annotations, checked with the rest of the spec (before anything is made). */
int vps_create_root_check(const struct oci_spec *s, vps_err *err);
int vps_create_root_tree(struct cctx *c, vps_err *err);
/* restore: CRIU's --root for such a VPS, idmapped as create's (with a user
 * namespace of config.json's maps: the VPS's own is CRIU's to make), attached
 * on target. 1 done, 0 when the rootfs is not idmapped (a bind does). */
int vps_create_root_attach(const struct oci_spec *s, const char *rootfs, const char *target,
			   vps_err *err);

/* ROOT/ID/console.log: what a detached VPS-face init prints (create_stdio.c) */
#define VPS_CONSOLE_LOG "console.log"
/* A detached VPS-face bundle without a terminal: open the init's stdio
 * (/dev/null in, console.log out) into c->stdio; otherwise nothing. */
int vps_create_stdio(struct cctx *c, bool detached, vps_err *err);

/* every fd -1, nothing held */
void vps_create_ctx_init(struct cctx *c, const struct vps_create_opts *o);
/* c->o->bundle into c (spec, config bytes, bundle and rootfs paths) */
int vps_create_load_bundle(struct cctx *c, vps_err *err);
/* net (taken over) as state extra["net"]: what vps_create_undo tears down */
int vps_create_put_net(struct cctx *c, json_object *net, vps_err *err);
/* undo what a failed create made: network, init, cgroup, state dir */
void vps_create_undo(struct cctx *c);
/* org.vps.disk: check and mount the VPS's disk image detached (create_disk.c) */
int vps_create_disk(struct cctx *c, vps_err *err);

/* A user namespace of the container's own (not joined by path) mapping its
 * root: the host ids of that root. */
bool vps_create_userns_root(const struct oci_linux *lx, uid_t *uid, gid_t *gid);
/* state.json (creating), the config copy, the cgroup */
int vps_create_record(struct cctx *c, vps_err *err);
/* barrier, sync socket, the clone */
int vps_create_spawn(struct cctx *c, vps_err *err);
/* id maps, cgroup, GO, hooks, pty, until the init reports READY */
int vps_create_drive(struct cctx *c, bool keep_pty, vps_err *err);
/* state created, pid file */
int vps_create_finish(struct cctx *c, vps_err *err);
