/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The child's side of create and exec, in order: wait for the parent (id maps,
 * cgroup), join/unshare namespaces, hostname and sysctls, the rootfs, console,
 * limits, cwd, identity and capabilities, fds, the exec barrier (create),
 * seccomp and exec. Any failure goes back to the parent as text. Nothing of
 * ours runs under the container's seccomp filter but execve and the report of
 * its failure (a profile lists what the container needs, not what vps does),
 * except where the kernel leaves no choice (see install_seccomp). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/keyctl.h>

#include "cgroups/cgroup.h"
#include "netns/net.h"
#include "rootfs/rootfs.h"
#include "runtime/internal.h"
#include "runtime/sysinfo.h"
#include "util/cleanup.h"
#include "util/log.h"

/* The parent may block or ignore signals (run forwards them): start clean. */
static void reset_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static int set_names(const struct oci_spec *spec, vps_err *err)
{
	if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return vps_error(err, errno, "sethostname %s", spec->hostname);
	if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return vps_error(err, errno, "setdomainname %s", spec->domainname);
	return 0;
}

static int new_session_keyring(vps_err *err)
{
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL, 0, 0, 0) < 0 && errno != ENOSYS)
		return vps_error(err, errno, "new session keyring");
	return 0;
}

struct pivot_hooks {
	struct vps_child *c;
	const char *state_json;
	bool failed;
};

/* After the mounts, before pivot_root (the OCI order): prestart and
 * createRuntime by the parent in the runtime's namespaces, then createContainer
 * here in the container's namespaces. */
static int hooks_before_pivot(void *arg, vps_err *err)
{
	struct pivot_hooks *h = arg;
	struct vps_sync_msg m;
	int r;
	h->failed = true;
	if (h->c->has_hooks_runtime) {
		if ((r = vps_sync_send(h->c->sync_fd, VPS_SYNC_HOOKS, 0, NULL, 0, -1)) < 0)
			return vps_error(err, -r, "sync");
		if ((r = vps_sync_expect(h->c->sync_fd, VPS_SYNC_HOOKS_DONE, &m, err)) < 0)
			return r;
		vps_sync_msg_clear(&m);
	}
	/* runc runs createContainer hooks in the container's root: the rootfs
	 * set-up made it our cwd (pivot_root sets its own after) */
	r = vps_hooks_run(&h->c->spec->hooks, OCI_HOOK_CREATE_CONTAINER, h->state_json, err);
	h->failed = r < 0;
	return r;
}

/* Bind sources the parent opened on the host side (create_mountsrc.c), the
 * rootfs (create_root.c), the time namespace's offsets file (timens.c), then GO. */
static int wait_go(struct vps_child *c, struct vps_sync_msg *go, vps_err *err)
{
	size_t n = c->spec ? c->spec->n_mounts : 0;
	for (size_t guard = 0; guard <= n + 3; guard++) {
		int r = vps_sync_recv(c->sync_fd, go, err);
		if (r <= 0)
			return r < 0 ? r : vps_errorx(err, EPIPE, "sync: peer exited");
		if (go->type == VPS_SYNC_ROOTFD && go->fd >= 0) {
			int *slot =
			    go->code == VPS_ROOTFD_TREE ? &c->root_tree_fd : &c->root_target_fd;
			if (*slot < 0)
				*slot = take_fd(go->fd);
			vps_sync_msg_clear(go);
			continue;
		}
		if (go->type == VPS_SYNC_TIMENSFD && go->fd >= 0) {
			if (c->timens_fd < 0)
				c->timens_fd = take_fd(go->fd);
			vps_sync_msg_clear(go);
			continue;
		}
		if (go->type != VPS_SYNC_MOUNTFD || go->fd < 0)
			break;
		if (!c->source_fds && (c->source_fds = malloc(n * sizeof(int))))
			for (size_t i = 0; i < n; i++)
				c->source_fds[i] = -1;
		if (c->source_fds && go->code >= 0 && (size_t)go->code < n) {
			c->source_fds[go->code] = go->fd;
			go->fd = -1;
		}
		vps_sync_msg_clear(go);
	}
	if (go->type == VPS_SYNC_GO)
		return 0;
	vps_sync_msg_clear(go);
	return vps_errorx(err, EPROTO, "sync: expected GO");
}

static void close_sources(struct vps_child *c)
{
	vps_closep(&c->root_target_fd);
	vps_closep(&c->root_tree_fd);
	for (size_t i = 0; c->source_fds && i < c->spec->n_mounts; i++)
		if (c->source_fds[i] >= 0)
			close(c->source_fds[i]);
	free(c->source_fds);
	c->source_fds = NULL;
}

/* Everything up to the new root (create only). */
static int setup_namespaces(struct vps_child *c, const char *state_json, vps_err *err)
{
	int r;
	if (!c->no_new_keyring && (r = new_session_keyring(err)) < 0)
		return r;
	if ((r = set_names(c->spec, err)) < 0)
		return r;
	if ((r = vps_child_sysctls(c->spec, -1, err)) < 0)
		return r;
	struct pivot_hooks h = {.c = c, .state_json = state_json};
	struct vps_rootfs_opts ro = {
	    .rootfs = c->rootfs,
	    .no_pivot = c->no_pivot,
	    .in_userns = c->new_userns || c->join_userns_fd >= 0,
	    .new_cgroupns = c->new_cgroupns,
	    .no_mntns = !c->spec->lx.namespaces[OCI_NS_MOUNT].present,
	    .source_fds = c->source_fds,
	    .root_target = c->root_target_fd,
	    .root_tree = c->root_tree_fd,
	    .disk_fd = c->disk_fd,
	    .before_pivot = hooks_before_pivot,
	    .before_pivot_arg = &h,
	};
	r = vps_rootfs_setup(c->spec, &ro, err);
	close_sources(c);
	vps_closep(&c->disk_fd);
	if (r < 0)
		return h.failed ? r : vps_error_wrap(err, "rootfs");
	return 0;
}

/* Install the seccomp filter (once) and hand a notify listener to the parent,
 * right before execve. Without no_new_privs the kernel wants CAP_SYS_ADMIN for
 * it: the identity switch keeps that cap effective until the exec, which drops
 * it. Two cases run earlier: a process without a capabilities object and
 * no_new_privs loses every cap at a uid switch, so its filter goes before it
 * (runc's order); a notify listener must reach the agent while create runs, so
 * a create's notify filter goes before the exec barrier. */
static int install_seccomp(struct vps_child *c, vps_err *err)
{
	int listener = -1, r;
	if (!c->seccomp || c->seccomp_installed)
		return 0;
	if ((r = vps_seccomp_install(c->seccomp, &listener, err)) < 0)
		return r;
	c->seccomp_installed = true;
	if (listener >= 0) {
		vps_sync_send(c->sync_fd, VPS_SYNC_SECCOMP, 0, NULL, 0, listener);
		close(listener);
	}
	return 0;
}

/* The init and a terminal exec lead their own session, with the pty. */
static int session_console(struct vps_child *c, vps_err *err)
{
	if ((c->proc->terminal || !c->exec_mode) && setsid() < 0)
		return vps_error(err, errno, "setsid");
	return vps_child_console(c->sync_fd, c->proc, !c->exec_mode, !c->console_noctty, err);
}

/* The sysinfo filter (sysinfo.h), before the profile's own (which may not
 * allow seccomp(2)); for create before READY, so that its listener reaches
 * the monitor during create. Best effort: without it sysinfo tells the
 * host's. */
static void install_sysinfo(struct vps_child *c)
{
	if (!c->sysinfo)
		return;
	int fd = vps_sysinfo_filter_install();
	if (fd < 0)
		return;
	vps_sync_send(c->sync_fd, VPS_SYNC_SYSINFO, 0, NULL, 0, fd);
	close(fd);
}

static int install_seccomp_cb(void *c, vps_err *err)
{
	install_sysinfo(c); /* exec: right before its execve */
	return install_seccomp(c, err);
}

/* home: "HOME=..." for a process env without one (vps_child_home) */
static int child_setup(struct vps_child *c, const char **state_json, char *home, size_t homesz,
		       vps_err *err)
{
	struct vps_sync_msg go;
	int r = c->exec_mode ? vps_sync_expect(c->sync_fd, VPS_SYNC_GO, &go, err)
			     : wait_go(c, &go, err);
	if (r < 0)
		return r;
	*state_json = go.data;	    /* kept for startContainer hooks */
	vps_child_reset_affinity(); /* in its cgroup by now */
	if (c->new_userns || c->join_userns_fd >= 0) {
		/* become the mapped root so the setup below is privileged in the ns */
		if (setresgid(0, 0, 0) < 0 && errno != EINVAL)
			return vps_error(err, errno, "setresgid 0 in user namespace");
		if (setresuid(0, 0, 0) < 0 && errno != EINVAL)
			return vps_error(err, errno, "setresuid 0 in user namespace");
	}
	/* before joining namespaces by path: a joined user namespace would not own
	 * the network namespace the clone made */
	if (c->new_netns && (r = vps_net_loopback_up(err)) < 0)
		return r;
	if ((r = vps_child_join_ns(c, err)) < 0)
		return r;
	/* in its user namespace now: that one owns the time namespace */
	if (c->new_timens && !c->exec_mode) {
		r = vps_child_timens(&c->spec->lx, c->timens_fd, err);
		vps_closep(&c->timens_fd);
		if (r < 0)
			return r;
	}
	if (!c->exec_mode &&
	    ((r = setup_namespaces(c, *state_json, err)) < 0 || (r = session_console(c, err)) < 0))
		return r;
	/* exec too: linux.personality is the container's (runc 1.2+) */
	if ((r = vps_child_limits(c->spec, c->proc, err)) < 0)
		return r;
	if ((r = vps_child_cwd(c->proc->cwd, err)) < 0)
		return r;
	vps_child_home(c->proc, home, homesz); /* before the uid switch, as runc */
	/* the sysinfo filter goes in after the identity switch too */
	bool privileged_filter = (c->seccomp || c->sysinfo) && !c->proc->no_new_privileges;
	if (privileged_filter && !c->proc->has_caps && (r = install_seccomp(c, err)) < 0)
		return r;
	if ((r = vps_child_identity(c->proc, privileged_filter, err)) < 0)
		return r;
	if (c->proc->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return vps_error(err, errno, "no_new_privs");
	/* exec: only now, with the process's own credentials, does it appear in
	 * the container's pid namespace (exec_pidns.c) */
	if (c->exec_mode &&
	    ((r = vps_child_fork_into_pidns(c, err)) < 0 || (r = session_console(c, err)) < 0))
		return r;
	return 0;
}

/* A detached VPS-face init: /dev/null in, console.log out (create_stdio.c). */
static int child_stdio(struct vps_child *c, vps_err *err)
{
	if (c->stdio[0] < 0)
		return 0;
	if (dup2(c->stdio[0], 0) < 0 || dup2(c->stdio[1], 1) < 0 || dup2(c->stdio[1], 2) < 0)
		return vps_error(err, errno, "init stdio: /dev/null and console.log");
	close(c->stdio[0]);
	close(c->stdio[1]);
	return 0;
}

_Noreturn void vps_child_main(struct vps_child *c)
{
	vps_err err = {0};
	const char *state_json = NULL;
	char path[4096], home[4096 + 8];
	int r;
	/* Until execve (which makes it dumpable again) this process is the vps
	 * binary: nothing in the container may open /proc/PID/exe, fd or mem of it
	 * (CVE-2019-5736 class). exec's parent set this already, before the clone. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (c->cgroup && vps_cgroup_enter_self(c->cgroup, &err) < 0) {
		vps_error_wrap(&err, "cgroup");
		goto fail;
	}
	vps_log_close();
	reset_signals();
	if (child_stdio(c, &err) < 0)
		goto fail;
	int keep[OCI_NS_MAX + 5] = {c->sync_fd, c->barrier_fd, c->join_pidfd, c->root_fd,
				    c->disk_fd};
	memcpy(keep + 5, c->ns_fds, sizeof(c->ns_fds));
	if (vps_child_close_fds(3 + c->preserve_fds, keep, ARRAY_SIZE(keep), &err) < 0)
		goto fail;
	if ((r = child_setup(c, &state_json, home, sizeof(home), &err)) < 0)
		goto fail;
	if ((r = vps_child_find_exec(c->proc, path, sizeof(path), &err)) < 0)
		goto fail;
	if ((r = vps_child_fds(c->preserve_fds, keep, ARRAY_SIZE(keep), &err)) < 0)
		goto fail;
	if (c->exec_mode)
		vps_child_exec(path, c->proc, home, c->sync_fd, install_seccomp_cb, c);
	install_sysinfo(c);
	if (vps_seccomp_notifies(c->seccomp) && (r = install_seccomp(c, &err)) < 0)
		goto fail;
	/* a creator that died (create was killed) cannot record us: do not linger */
	if (vps_sync_send(c->sync_fd, VPS_SYNC_READY, 0, NULL, 0, -1) < 0)
		_exit(1);
	close(c->sync_fd);
	int conn = vps_barrier_wait(c->barrier_fd, &err);
	if (conn < 0)
		_exit(1); /* nobody to tell: `start` never came */
	close(c->barrier_fd);
	/* a startContainer hook without an env gets the process's (runc) */
	char **envp = vps_child_envp(c->proc, home);
	if (!envp || (r = vps_hooks_run_env(&c->spec->hooks, OCI_HOOK_START_CONTAINER, state_json,
					    envp, &err)) < 0) {
		if (!envp)
			vps_error(&err, ENOMEM, "startContainer hooks");
		vps_sync_send_err(conn, &err);
		_exit(1);
	}
	free(envp);
	vps_child_exec(path, c->proc, home, conn, install_seccomp_cb, c);
fail:
	vps_sync_send_err(c->sync_fd, &err);
	_exit(1);
}
