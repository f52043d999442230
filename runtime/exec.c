/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exec: a new process in a running container. We make ourselves non-dumpable
 * before anything of the container can see us (so /proc/PID/exe and fds of
 * the vps binary cannot be opened from inside: CVE-2019-5736 class), join the
 * init's pid/time namespaces for our child, clone it into the cgroup, and the
 * child joins the rest through the init's pidfd and its root, sets up the
 * process like create does (fds close-on-exec, cwd checked: CVE-2024-21626)
 * and execs. The real exec error comes back over the sync socket. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "runtime/exec_process.h"
#include "runtime/store.h"
#include "runtime/sysinfo.h"
#include "runtime/vm/vm_lifecycle.h"
#include "runtime/live.h"
#include "util/fmt.h"
#include "util/log.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct ectx {
	const struct vps_exec_opts *o;
	struct vps_state *st;
	struct oci_spec *spec;
	struct vps_cgroup *cg;
	struct vps_seccomp *sc;
	struct vps_exec_process ep;
	int pidfd, root_fd, sync[2], pty, child_pidfd;
	pid_t pid;
	bool paused; /* --ignore-paused on a paused container: it runs on resume */
};

static int load(struct ectx *c, vps_err *err)
{
	int dirfd = -1, lockfd = -1, r;
	r = vps_container_load(c->o->root, c->o->id, &dirfd, &lockfd, &c->st, err);
	if (r < 0)
		return r;
	close(dirfd);
	close(lockfd);
	enum vps_status s = vps_status_live(c->o->root, c->st);
	c->paused = s == VPS_PAUSED;
	if (s == VPS_PAUSED && !c->o->ignore_paused)
		return vps_errorx(
		    err, EBUSY,
		    "cannot exec in a paused container (use --ignore-paused to override)");
	if (s != VPS_RUNNING && s != VPS_CREATED && s != VPS_PAUSED)
		return vps_errorx(err, EINVAL, "cannot exec in a container that is %s",
				  vps_status_name(s));
	if ((r = vps_container_spec(c->o->root, c->o->id, &c->spec, err)) < 0)
		return r;
	if (c->st->cgroup_path && (r = vps_live_cgroup(c->st, &c->cg, err)) < 0)
		return vps_error_wrap(err, "cgroup");
	for (char **g = c->o->cgroups; g && *g; g++)
		if (!c->cg)
			return vps_errorx(err, ENOENT, "--cgroup %s: the container has no cgroup",
					  *g);
		else if ((r = vps_cgroup_sub(c->cg, *g, err)) < 0)
			return r;
	if (c->cg && !c->o->cgroups && (r = vps_cgroup_exec_leaf(c->cg, c->st->pid, err)) < 0)
		return vps_error_wrap(err, "cgroup");
	if ((r = vps_exec_process_build(c->spec, c->o, &c->ep, err)) < 0)
		return r;
	if (c->ep.proc.has_caps)
		vps_caps_warn_ambient(&c->ep.proc.caps);
	if (c->ep.proc.terminal && c->o->detach && !c->o->console_socket)
		return vps_errorx(err, EINVAL, "exec -t -d needs --console-socket");
	/* the compiled filter cached by create */
	return vps_seccomp_prepare(c->spec->lx.seccomp, VPS_SECCOMP_CACHE_DIR, &c->sc, err);
}

static int join_target(struct ectx *c, int *child_flags, vps_err *err)
{
	int r, flags;
	if ((r = vps_state_pidfd(c->st, &c->pidfd, err)) < 0)
		return r;
	if ((r = vps_ns_differing(c->st->pid, &flags, err)) < 0)
		return r;
	struct vps_procpath path_pp;
	const char *path = vps_procpath(&path_pp, c->st->pid, "root");
	c->root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd < 0)
		return vps_error(err, errno, "open the container's root");
	/* nothing of the container may inspect or ptrace us from here on */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return vps_error(err, errno, "prctl(PR_SET_DUMPABLE)");
	int for_children = flags & (CLONE_NEWPID | CLONE_NEWTIME);
	*child_flags = flags;
	if (!c->paused)
		return 0; /* the helper joins them and forks (exec_pidns.c) */
	/* paused: the helper would be frozen before it could fork; nothing in
	 * the container runs to see our child before resume */
	if (for_children && setns(c->pidfd, for_children) < 0)
		return vps_error(err, errno, "join the container's pid namespace");
	*child_flags = flags & ~for_children;
	return 0;
}

static int drive(struct ectx *c, vps_err *err)
{
	int r;
	if ((r = vps_sync_go(c->sync[0], NULL, 0, err)) < 0)
		return r;
	if (c->paused)
		return 0; /* frozen until resume: its exec result cannot be awaited */
	for (int guard = 0; guard < 17; guard++) {
		struct vps_sync_msg m;
		if ((r = vps_sync_recv(c->sync[0], &m, err)) <= 0)
			return r; /* 0: closed on exec, the process runs */
		if (m.type == VPS_SYNC_ERROR)
			r = vps_errorx(err, m.code > 0 ? m.code : EINVAL, "%s", m.data);
		else if (m.type == VPS_SYNC_PTY) {
			if (c->o->console_socket)
				r = vps_console_send(c->o->console_socket, m.fd, err);
			else {
				vps_console_keep(m.fd);
				c->pty = take_fd(m.fd);
			}
			if (r >= 0 &&
			    (r = vps_sync_send(c->sync[0], VPS_SYNC_PTY_ACK, 0, NULL, 0, -1)) < 0)
				r = vps_error(err, -r, "sync");
		} else if (m.type == VPS_SYNC_PID) {
			r = vps_exec_take_over(&c->pid, &c->child_pidfd, m.code, c->sync[0], err);
		} else if (m.type == VPS_SYNC_SYSINFO && m.fd >= 0) {
			vps_err e; /* best effort: without the server, ENOSYS */
			if (vps_sysinfo_hand_over(c->o->root, c->o->id, m.fd, &e) < 0)
				log_debug("exec %s: sysinfo: %s", c->o->id, e.msg);
		} else if (m.type == VPS_SYNC_SECCOMP) {
			char *js = vps_state_oci_json(c->st);
			r = vps_seccomp_send_listener(c->spec->lx.seccomp, m.fd, js, err);
			free(js);
		}
		vps_sync_msg_clear(&m);
		if (r < 0)
			return r;
	}
	return vps_errorx(err, EPROTO, "sync: too many messages");
}

static int spawn(struct ectx *c, int child_flags, vps_err *err)
{
	int r;
	if ((r = vps_sync_pair(c->sync, err)) < 0)
		return r;
	struct vps_child ch = {
	    .stdio = {-1, -1},
	    .disk_fd = -1,
	    .timens_fd = -1,
	    .spec = c->spec,
	    .proc = &c->ep.proc,
	    .exec_mode = true,
	    .sync_fd = c->sync[1],
	    .barrier_fd = -1,
	    .join_pidfd = c->pidfd,
	    .join_flags = child_flags,
	    .fork_into_pidns = (child_flags & (CLONE_NEWPID | CLONE_NEWTIME)) != 0,
	    .root_fd = c->root_fd,
	    .root_target_fd = -1,
	    .root_tree_fd = -1,
	    .join_userns_fd = -1,
	    .preserve_fds = c->o->preserve_fds,
	    .seccomp = c->sc,
	    .sysinfo = vps_sysinfo_served(c->o->root, c->o->id),
	    .cgroup = c->cg,
	};
	for (int t = 0; t < OCI_NS_MAX; t++)
		ch.ns_fds[t] = -1;
	if ((r = vps_spawn(&ch, 0, c->cg ? vps_cgroup_v2_fd(c->cg) : -1, &c->pid, &c->child_pidfd,
			   err)) < 0)
		return r;
	close(c->sync[1]);
	c->sync[1] = -1;
	if ((r = drive(c, err)) < 0) {
		pidfd_send_signal(c->child_pidfd, SIGKILL, NULL, 0);
		waitpid(c->pid, NULL, 0);
	}
	return r;
}

int vps_exec(const struct vps_exec_opts *o, int *exit_status, vps_err *err)
{
	struct ectx c = {
	    .o = o, .pidfd = -1, .root_fd = -1, .sync = {-1, -1}, .pty = -1, .child_pidfd = -1};
	int r, child_flags = 0;
	*exit_status = 0;
	if ((r = load(&c, err)) < 0)
		goto out;
	if (vps_vm_state(c.st)) { /* through the VM's agent */
		r = vps_vm_exec_process(o->root, o->id, &c.ep.proc, o->detach, exit_status, err);
		goto out;
	}
	if ((r = join_target(&c, &child_flags, err)) < 0 || (r = spawn(&c, child_flags, err)) < 0)
		goto out;
	if (o->pid_file && (r = vps_write_pid_file(o->pid_file, c.pid, err)) < 0)
		goto out;
	if (!o->detach)
		r = vps_wait_foreground(c.pid, c.child_pidfd, c.pty, exit_status, NULL, err);
out:;
	int fds[] = {c.pidfd, c.root_fd, c.sync[0], c.sync[1], c.pty, c.child_pidfd};
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	vps_exec_process_free(&c.ep);
	vps_seccomp_free(c.sc);
	vps_cgroup_free(c.cg);
	oci_spec_free(c.spec);
	vps_state_free(c.st);
	return r;
}
