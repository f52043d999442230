/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps stop / restart (issue 16): ask the VPS's init to shut down the way that
 * init expects, wait up to a timeout, then SIGKILL every process of its
 * cgroup; done once processes, cgroup, network and state are gone (a delete).
 * The signal: annotation org.vps.stop-signal (or
 * org.opencontainers.image.stopSignal) if present, else by init and template: systemd
 * (org.vps.init) SIGRTMIN+3; busybox init powers off on SIGUSR2 (SIGTERM
 * would reboot it, SIGUSR1 halt); a debian (sysvinit) VPS gets what `telinit
 * 0` sends, a runlevel 0 request on its /run/initctl (sysvinit's SIGINT runs
 * the inittab's ctrlaltdel line, a reboot in Debian's own inittab, so it is
 * no stop unless the template maps it to halt); anything else SIGTERM.
 * stop_init.c sends it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "rootfs/template.h"
#include "runtime/create.h"
#include "runtime/mon.h"
#include "runtime/stop.h"
#include "runtime/store.h"
#include "runtime/vm/vm.h"
#include "runtime/live.h"
#include "util/cleanup.h"
#include "util/fmt.h"

#define KILL_WAIT_MS   10000 /* after SIGKILL, for the init to be gone */
#define MON_WAIT_MS    5000  /* then for its monitor to have exited */
#define REBOOT_WAIT_MS 10000 /* for a VPS being rebooted to be back */

static const char *annotation(const struct vps_state *st, const char *key)
{
	for (size_t i = 0; i < st->n_annotations; i++)
		if (strcmp(st->annotations[i].key, key) == 0)
			return st->annotations[i].value;
	return NULL;
}

/* The stop signal a bundle names: vps's own (the operator's choice) before the
 * OCI image annotation (engines read it too; templates write it). */
static const char *const stop_keys[] = {"org.vps.stop-signal",
					"org.opencontainers.image.stopSignal"};

int vps_stop_how(const struct vps_state *st, struct vps_stop_how *h, vps_err *err)
{
	const char *sig = NULL, *key = NULL;
	for (size_t i = 0; !sig && i < ARRAY_SIZE(stop_keys); i++)
		sig = annotation(st, key = stop_keys[i]);
	const char *t = annotation(st, VPS_ANN_TEMPLATE), *init = annotation(st, "org.vps.init");
	*h = (struct vps_stop_how){.sig = SIGTERM, .timeout_s = 10};
	if (sig) {
		if (vps_signal_parse(sig, &h->sig, err) < 0)
			return vps_error_wrap(err, "annotation %s", key);
	} else if (init && strcmp(init, "systemd") == 0)
		h->sig = SIGRTMIN + 3; /* halt: in a container, the same end as poweroff */
	else if (t && strncmp(t, "busybox", 7) == 0)
		h->sig = SIGUSR2;
	else if (t && strncmp(t, "debian", 6) == 0)
		h->initctl = true;
	/* sysvinit's rc 0 (a debian template's SIGINT runs it too: its inittab's
	 * ctrlaltdel line) and systemd stop every service: more time */
	bool debian = t && strncmp(t, "debian", 6) == 0;
	if (h->initctl || debian || h->sig == SIGRTMIN + 3 || h->sig == SIGRTMIN + 4)
		h->timeout_s = 30;
	return 0;
}

static bool wait_fd(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return fd < 0 || poll(&p, 1, ms) > 0;
}

/* How to stop it (how NULL: no matter); then, unless it runs and force is
 * false, take pidfds of the init and its monitor, mark the VPS as being
 * stopped for that monitor (it then boots nothing again) and thaw it. */
int vps_stop_prepare(const char *root, const char *id, bool force, struct vps_state **st,
		     struct vps_stop_how *how, int *pidfd, int *monfd, vps_err *err)
{
	int dirfd = -1, lockfd = -1;
	int r = vps_container_load(root, id, &dirfd, &lockfd, st, err);
	if (r < 0)
		return r;
	if (how && (r = vps_stop_how(*st, how, err)) < 0) {
		close(dirfd);
		close(lockfd);
		return r;
	}
	enum vps_status s = vps_status_live(NULL, *st);
	bool go = force || (s != VPS_RUNNING && s != VPS_PAUSED);
	vps_err e;
	if (go && s != VPS_STOPPED && s != VPS_CREATING && vps_state_pidfd(*st, pidfd, &e) == 0)
		*monfd = vps_stop_monitor_pidfd((*st)->pid);
	if (go && *monfd < 0) /* its init already gone (or reparented): the monitor recorded */
		*monfd = vps_stop_monitor_recorded(*st);
	if (*monfd >= 0) { /* the only reader of the mark */
		int fd =
		    openat(dirfd, VPS_STOP_MARK, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
	}
	struct vps_cgroup *cg = NULL;
	if (go && s == VPS_PAUSED && vps_live_cgroup(*st, &cg, &e) == 0) {
		vps_cgroup_freeze(cg, false, &e);
		vps_cgroup_free(cg);
	}
	close(dirfd);
	close(lockfd);
	return 0;
}

static void kill_all(const struct vps_state *st, int pidfd)
{
	struct vps_cgroup *cg = NULL;
	vps_err e;
	if (st->cgroup_path && vps_live_cgroup(st, &cg, &e) == 0) {
		vps_cgroup_kill(cg, SIGKILL, &e);
		vps_cgroup_free(cg);
	}
	if (pidfd >= 0)
		pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
}

int vps_stop_kill(const struct vps_state *st, int pidfd, vps_err *err)
{
	kill_all(st, pidfd);
	if (!wait_fd(pidfd, KILL_WAIT_MS))
		return vps_errorx(err, ETIMEDOUT, "init pid %d still there %d s after SIGKILL",
				  (int)st->pid, KILL_WAIT_MS / 1000);
	return 0;
}

void vps_stop_wait_monitor(int monfd)
{
	if (monfd < 0 || wait_fd(monfd, MON_WAIT_MS))
		return;
	pidfd_send_signal(monfd, SIGKILL, NULL, 0); /* stuck: it may not write on */
	wait_fd(monfd, KILL_WAIT_MS);
}

/* Between the delete and the create of a reboot the VPS has no state dir, but
 * its monitor has stashed its console log in the state root. */
static bool rebooting(const char *root, const char *id)
{
	char path[PATH_MAX];
	struct stat st;
	return vps_snprintf(path, sizeof(path), "%s/.%s.%s", root, id, VPS_CONSOLE_LOG) >= 0 &&
	       stat(path, &st) == 0;
}

int vps_stop(const char *root, const char *id, int timeout_s, vps_err *err)
{
	struct vps_state *st = NULL;
	struct vps_stop_how how;
	_cleanup_close_ int pidfd = -1, monfd = -1;
	int r;
	for (int i = 0;; i++) {
		r = vps_stop_prepare(root, id, true, &st, &how, &pidfd, &monfd, err);
		if (r != -ENOENT || i >= REBOOT_WAIT_MS / 100 || !rebooting(root, id))
			break;
		usleep(100 * 1000);
	}
	if (r < 0)
		goto out;
	if (timeout_s < 0)
		timeout_s = how.timeout_s;
	bool created = st->status == VPS_CREATED;	/* blocked at the barrier: nothing to ask */
	if (pidfd >= 0 && !created && vps_vm_state(st)) /* the guest's init, through its agent */
		r = vps_vm_signal(root, st, how.sig, err);
	else if (pidfd >= 0 && !created)
		r = vps_stop_ask(st->pid, pidfd, &how, err);
	if (r < 0)
		goto out;
	if (pidfd >= 0 && (created || !wait_fd(pidfd, timeout_s * 1000)) &&
	    (r = vps_stop_kill(st, pidfd, err)) < 0)
		goto out;
	/* the monitor records the end (and boots nothing again): let it finish
	 * before the state dir goes */
	vps_stop_wait_monitor(monfd);
	r = vps_delete(root, id, true, err);
out:
	vps_state_free(st);
	return r;
}

int vps_restart(const char *root, const char *inv, const char *id, int timeout_s, vps_err *err)
{
	struct vps_state *st = NULL;
	int r = vps_state_load(root, id, &st, err);
	if (r < 0)
		return r;
	char bundle[4096];
	r = vps_snprintf(bundle, sizeof(bundle), "%s", st->bundle ? st->bundle : "");
	bool sd = st->systemd_cgroup; /* in vps.slice, its own scope: so again */
	vps_state_free(st);
	if (r <= 0)
		return vps_errorx(err, ENOENT, "no bundle recorded; cannot start it again");
	if ((r = vps_stop(root, id, timeout_s, err)) < 0)
		return r;
	struct vps_create_opts o = {.root = root,
				    .id = id,
				    .bundle = bundle,
				    .inventory = inv,
				    .systemd_cgroup = sd,
				    .systemd_slice = sd ? VPS_FACE_SLICE : NULL};
	int status;
	return vps_run(&o, true, &status, err);
}
