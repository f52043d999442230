/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The steps of create, parent side. See create.c for the order. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/create.h"
#include "runtime/store.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/log.h"

static int save(struct cctx *c, enum vps_status status, vps_err *err)
{
	c->st->status = status;
	return vps_state_save_at(c->dirfd, c->st, err);
}

static int dup_kv(struct oci_kv **out, size_t *n, const struct oci_kv *in, size_t count)
{
	*n = 0;
	*out = count ? calloc(count, sizeof(**out)) : NULL;
	if (count && !*out)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		(*out)[i].key = strdup(in[i].key);
		(*out)[i].value = strdup(in[i].value);
		*n = i + 1;
		if (!(*out)[i].key || !(*out)[i].value)
			return -ENOMEM;
	}
	return 0;
}

bool vps_create_userns_root(const struct oci_linux *lx, uid_t *uid, gid_t *gid)
{
	const struct oci_namespace *user = &lx->namespaces[OCI_NS_USER];
	uint32_t u, g;
	if (!user->present || user->path ||
	    !oci_idmap_to_host(lx->uid_mappings, lx->n_uid_mappings, 0, &u) ||
	    !oci_idmap_to_host(lx->gid_mappings, lx->n_gid_mappings, 0, &g))
		return false;
	*uid = u;
	*gid = g;
	return true;
}

/* A new user namespace gets its cgroup2 directory delegated to its root (the
 * host ids container 0 maps to), so an init like systemd can manage its own
 * subtree under its cgroup namespace. */
static int delegate_cgroup(struct cctx *c, vps_err *err)
{
	uid_t uid;
	gid_t gid;
	if (!vps_create_userns_root(&c->spec->lx, &uid, &gid))
		return 0;
	return vps_cgroup_delegate(c->cg, uid, gid, err);
}

int vps_create_record(struct cctx *c, vps_err *err)
{
	struct vps_state *st = calloc(1, sizeof(*st));
	if (!st)
		return vps_error(err, ENOMEM, "state");
	c->st = st;
	st->oci_version = strdup(c->spec->oci_version ? c->spec->oci_version : "1.2.0");
	st->id = strdup(c->o->id);
	st->bundle = strdup(c->bundle);
	st->rootfs = strdup(c->rootfs);
	st->created = vps_now_rfc3339();
	st->owner = geteuid();
	st->systemd_cgroup = c->o->systemd_cgroup;
	st->exit_status = -1;
	if (!st->oci_version || !st->id || !st->bundle || !st->rootfs || !st->created ||
	    dup_kv(&st->annotations, &st->n_annotations, c->spec->annotations,
		   c->spec->n_annotations) < 0)
		return vps_error(err, ENOMEM, "state");
	/* the cgroup path is recorded before any directory exists: a create that
	 * dies half-way leaves nothing `delete --force` cannot find */
	const struct oci_linux *lx = &c->spec->lx;
	const char *path = lx->cgroups_path;
	char def[PATH_MAX];
	int r;
	if ((!path || !*path) && c->o->systemd_cgroup && c->o->systemd_slice) {
		if (vps_snprintf(def, sizeof(def), "%s:vps:%s", c->o->systemd_slice, c->o->id) < 0)
			return vps_errorx(err, ENAMETOOLONG, "cgroup: slice %s: too long",
					  c->o->systemd_slice);
		path = def;
	}
	if ((!path || !*path) && !c->o->systemd_cgroup) {
		if ((r = vps_store_cgroup_default(c->o->root, c->o->id, def, sizeof(def), err)) < 0)
			return r;
		path = def;
	}
	if ((r = vps_cgroup_lookup(path, c->o->id, c->o->systemd_cgroup, &c->cg, err)) < 0 ||
	    (r = vps_cgroup_systemd_props(c->cg, c->spec->annotations, c->spec->n_annotations,
					  err)) < 0)
		return vps_error_wrap(err, "cgroup");
	if (!(st->cgroup_path = strdup(vps_cgroup_path(c->cg))))
		return vps_error(err, ENOMEM, "state");
	if ((r = vps_container_save_spec(c->dirfd, c->config, c->config_len, err)) < 0 ||
	    (r = save(c, VPS_CREATING, err)) < 0)
		return r;
	/* systemd: the scope is made with the init's pid (systemd_cgroup_init) */
	if (vps_cgroup_is_systemd(c->cg))
		return 0;
	if ((r = vps_cgroup_make_for_spec(c->cg, lx, c->o->id, err)) < 0) {
		/* make removed what it made; the rest may be another container's */
		vps_cgroup_free(c->cg);
		c->cg = NULL;
		return vps_error_wrap(err, "cgroup");
	}
	return delegate_cgroup(c, err);
}

/* pid namespace by path: the parent's pid_for_children, just around the clone. */
static int enter_pidns(struct cctx *c, int *saved, vps_err *err)
{
	*saved = -1;
	if (c->ns_fds[OCI_NS_PID] < 0)
		return 0;
	*saved = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (*saved < 0 || setns(c->ns_fds[OCI_NS_PID], CLONE_NEWPID) < 0)
		return vps_error(err, errno, "join pid namespace %s",
				 c->spec->lx.namespaces[OCI_NS_PID].path);
	return 0;
}

/* --systemd-cgroup: the init, born in the runtime's cgroup and waiting for
 * GO, goes into a new transient scope (runc's order: systemd wants a pid to
 * start a scope), then into what systemd leaves to us (v1 hierarchies it does
 * not manage), with the rest of the resources written as without systemd. */
static int systemd_cgroup_init(struct cctx *c, vps_err *err)
{
	const struct oci_linux *lx = &c->spec->lx;
	int r =
	    vps_cgroup_systemd_start(c->cg, c->pid, lx->has_resources ? &lx->resources : NULL, err);
	if (r < 0) { /* no unit of ours (one that exists is another container's) */
		vps_cgroup_free(c->cg);
		c->cg = NULL;
		return vps_error_wrap(err, "cgroup");
	}
	if ((r = vps_cgroup_make_for_spec(c->cg, lx, c->o->id, err)) < 0 ||
	    (r = vps_cgroup_enter(c->cg, c->pid, err)) < 0)
		return vps_error_wrap(err, "cgroup");
	return delegate_cgroup(c, err);
}

int vps_create_spawn(struct cctx *c, vps_err *err)
{
	bool sd = vps_cgroup_is_systemd(c->cg);
	int r, cg_fd = sd ? -1 : vps_cgroup_v2_fd(c->cg);
	if ((r = vps_barrier_create(c->dirfd, c->dir, &c->barrier, err)) < 0 ||
	    (r = vps_sync_pair(c->sync, err)) < 0)
		return r;
	const struct oci_linux *lx = &c->spec->lx;
	const struct oci_namespace *user = &lx->namespaces[OCI_NS_USER];
	uint64_t flags = c->clone_flags;
	struct vps_child ch = {
	    .spec = c->spec,
	    .proc = c->spec->process,
	    .rootfs = c->rootfs,
	    .no_pivot = c->o->no_pivot,
	    .no_new_keyring = c->o->no_new_keyring,
	    .new_userns = user->present && !user->path,
	    .new_cgroupns = lx->namespaces[OCI_NS_CGROUP].present,
	    .new_netns =
		lx->namespaces[OCI_NS_NETWORK].present && !lx->namespaces[OCI_NS_NETWORK].path,
	    .sync_fd = c->sync[1],
	    .barrier_fd = c->barrier,
	    .join_pidfd = -1,
	    .root_fd = -1,
	    .root_target_fd = -1,
	    .root_tree_fd = -1,
	    .preserve_fds = c->o->preserve_fds,
	    .stdio = {c->stdio[0], c->stdio[1]},
	    .disk_fd = c->disk_fd,
	    .console_noctty = c->monitor,
	    .sysinfo = c->monitor && c->pv.on,
	    .new_timens = lx->namespaces[OCI_NS_TIME].present && !lx->namespaces[OCI_NS_TIME].path,
	    .timens_fd = -1,
	    .seccomp = c->sc,
	    .cgroup = sd ? NULL : c->cg,
	    .has_hooks_runtime =
		c->spec->hooks.n[OCI_HOOK_PRESTART] || c->spec->hooks.n[OCI_HOOK_CREATE_RUNTIME],
	};
	memcpy(ch.ns_fds, c->ns_fds, sizeof(ch.ns_fds));
	ch.join_userns_fd = ch.ns_fds[OCI_NS_USER];
	ch.ns_fds[OCI_NS_USER] = -1;
	/* v1 hierarchies are entered by the child after the clone: the cgroup
	 * namespace must then be made after that, by the child */
	if ((cg_fd < 0 || sd || vps_cgroup_has_v1(c->cg)) && (flags & CLONE_NEWCGROUP)) {
		flags &= ~(uint64_t)CLONE_NEWCGROUP;
		ch.unshare_cgroupns = true;
	}
	int saved_pid = -1, saved_time = -1;
	if ((r = enter_pidns(c, &saved_pid, err)) < 0 ||
	    (r = vps_timens_prepare(lx, &saved_time, err)) < 0)
		goto restore;
	r = vps_spawn(&ch, flags, cg_fd, &c->pid, &c->pidfd, err);
restore:;
	vps_err e2;
	if (vps_timens_restore(saved_time, &e2) < 0 && r >= 0)
		r = -(*err = e2).code;
	if (saved_pid >= 0) {
		if (setns(saved_pid, CLONE_NEWPID) < 0 && r >= 0)
			r = vps_error(err, errno, "restore pid namespace");
		close(saved_pid);
	}
	if (r < 0)
		return r;
	close(c->sync[1]);
	c->sync[1] = -1;
	close(c->barrier);
	c->barrier = -1;
	return 0;
}

static int write_oom(pid_t pid, const struct oci_process *p, vps_err *err)
{
	if (!p->oom_score_adj.set)
		return 0;
	char path[64], v[32];
	int n = vps_snprintf(v, sizeof(v), "%lld", (long long)p->oom_score_adj.v);
	if (n < 0 || vps_snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid) < 0)
		return vps_errorx(err, EINVAL, "process.oomScoreAdj: format");
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, v, (size_t)n) != n)
		return vps_error(err, errno, "process.oomScoreAdj %s", v);
	return 0;
}

static int handle(struct cctx *c, struct vps_sync_msg *m, bool keep_pty, vps_err *err)
{
	int r = 0;
	if (m->type == VPS_SYNC_HOOKS) {
		_cleanup_free_ char *js = vps_state_oci_json(c->st);
		if ((r = vps_hooks_run(&c->spec->hooks, OCI_HOOK_PRESTART, js, err)) < 0 ||
		    (r = vps_hooks_run(&c->spec->hooks, OCI_HOOK_CREATE_RUNTIME, js, err)) < 0)
			return r;
		if ((r = vps_sync_send(c->sync[0], VPS_SYNC_HOOKS_DONE, 0, NULL, 0, -1)) < 0)
			return vps_error(err, -r, "sync");
	} else if (m->type == VPS_SYNC_PTY && m->fd >= 0) {
		if (keep_pty) {
			if (!c->monitor)
				vps_console_keep(m->fd);
			c->pty = m->fd;
			m->fd = -1;
		} else if ((r = vps_console_send(c->o->console_socket, m->fd, err)) < 0)
			return r;
		if ((r = vps_sync_send(c->sync[0], VPS_SYNC_PTY_ACK, 0, NULL, 0, -1)) < 0)
			return vps_error(err, -r, "sync");
	} else if (m->type == VPS_SYNC_SYSINFO && m->fd >= 0) {
		if (c->sysinfo < 0) /* the monitor's server answers on it */
			c->sysinfo = take_fd(m->fd);
	} else if (m->type == VPS_SYNC_SECCOMP && m->fd >= 0) {
		_cleanup_free_ char *js = vps_state_oci_json(c->st);
		return vps_seccomp_send_listener(c->spec->lx.seccomp, m->fd, js, err);
	} else
		return vps_errorx(err, EPROTO, "sync: unexpected message %u", m->type);
	return r;
}

static int drive(struct cctx *c, bool keep_pty, vps_err *err);

/* "10K", "1M", "12345": a limit as the operator wrote it, near enough. */
static void fmt_limit(char *buf, size_t sz, int64_t v)
{
	if (v > 0 && v % (1 << 20) == 0)
		vps_snprintf(buf, sz, "%lldM", (long long)(v >> 20)); /* fits: a number in 32 */
	else if (v > 0 && v % 1024 == 0)
		vps_snprintf(buf, sz, "%lldK", (long long)(v >> 10)); /* fits: a number in 32 */
	else
		vps_snprintf(buf, sz, "%lld", (long long)v); /* fits: a number in 32 */
}

/* An init that died during setup because its cgroup ran out of memory says so
 * (not "sync: receive: Connection reset by peer"). */
static int explain_oom(struct cctx *c, int r, vps_err *err)
{
	const struct oci_resources *res = &c->spec->lx.resources;
	uint64_t kills = 0;
	vps_err e = {0};
	if (!c->cg || !res->has_memory || !res->memory.limit.set ||
	    vps_cgroup_oom_kills(c->cg, &kills, &e) < 0 || kills == 0)
		return r;
	char lim[32], was[VPS_ERR_MSG_MAX];
	fmt_limit(lim, sizeof(lim), res->memory.limit.v);
	vps_snprintf(was, sizeof(was), "%s", err->msg); /* fits: a copy of the same size */
	return vps_errorx(err, ENOMEM,
			  "the VPS's init was killed by the OOM killer: memory limit %s is too "
			  "small (%.600s)",
			  lim, was);
}

int vps_create_drive(struct cctx *c, bool keep_pty, vps_err *err)
{
	int r = drive(c, keep_pty, err);
	return r < 0 ? explain_oom(c, r, err) : r;
}

static int drive(struct cctx *c, bool keep_pty, vps_err *err)
{
	const struct oci_linux *lx = &c->spec->lx;
	const struct oci_namespace *user = &lx->namespaces[OCI_NS_USER];
	int r;
	if (vps_cgroup_is_systemd(c->cg) && (r = systemd_cgroup_init(c, err)) < 0)
		return r;
	if (user->present && !user->path && (r = vps_idmap_write(c->pid, lx, err)) < 0)
		return r;
	const struct oci_namespace *time = &lx->namespaces[OCI_NS_TIME];
	if (time->present && !time->path && (r = vps_timens_send(c->pid, c->sync[0], err)) < 0)
		return r;
	if ((r = vps_create_root_tree(c, err)) < 0 || (r = vps_create_mount_sources(c, err)) < 0)
		return r;
	if ((r = write_oom(c->pid, c->spec->process, err)) < 0)
		return r;
	/* recorded with the final save: until READY the init dies with us (its
	 * sync socket closes) and delete reaches leftovers through the cgroup */
	c->st->pid = c->pid;
	if (vps_proc_starttime(c->pid, &c->st->pid_start, NULL) < 0)
		return vps_errorx(err, ESRCH, "container init exited during create");
	_cleanup_free_ char *js = vps_state_oci_json(c->st);
	if (!js)
		return vps_error(err, ENOMEM, "state");
	if ((r = vps_sync_go(c->sync[0], js, strlen(js) + 1, err)) < 0)
		return r;
	for (int guard = 0; guard < 64; guard++) {
		struct vps_sync_msg m;
		r = vps_sync_recv(c->sync[0], &m, err);
		if (r < 0)
			return r;
		if (r == 0)
			return vps_errorx(err, ECHILD, "container init exited during setup");
		if (m.type == VPS_SYNC_READY) {
			vps_sync_msg_clear(&m);
			return 0;
		}
		if (m.type == VPS_SYNC_ERROR) {
			r = vps_errorx(err, m.code > 0 ? m.code : EINVAL, "%s", m.data);
			vps_sync_msg_clear(&m);
			return r;
		}
		r = handle(c, &m, keep_pty, err);
		vps_sync_msg_clear(&m);
		if (r < 0)
			return r;
	}
	return vps_errorx(err, EPROTO, "sync: too many messages from the container init");
}

int vps_create_finish(struct cctx *c, vps_err *err)
{
	int r;
	if (!c->for_run && (r = save(c, VPS_CREATED, err)) < 0)
		return r;
	if (c->o->pid_file && (r = vps_write_pid_file(c->o->pid_file, c->pid, err)) < 0)
		return r;
	log_debug("created %s: init pid %d", c->o->id, (int)c->pid);
	return 0;
}
