/* SPDX-License-Identifier: GPL-2.0-or-later */
/* delete: every step is idempotent and tolerates what a crashed create left
 * (no pid, no cgroup, no config copy, even no state.json), so `delete --force`
 * always ends with nothing left: processes, cgroup, network, state dir. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "netns/net.h"
#include "runtime/internal.h"
#include "runtime/mon.h"
#include "runtime/stop.h"
#include "runtime/store.h"
#include "runtime/live.h"
#include "util/cleanup.h"
#include "util/log.h"

/* Kill the init (and with a cgroup, everything in it, thawed so a paused
 * container dies now); wait for the init. */
static void kill_and_wait(const struct vps_state *st, struct vps_cgroup *cg)
{
	vps_err ignore;
	int pidfd = -1;
	bool have = vps_state_pidfd(st, &pidfd, &ignore) == 0;
	if (have)
		pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
	if (cg) {
		vps_cgroup_kill(cg, SIGKILL, &ignore);
		vps_cgroup_freeze(cg, false, &ignore);
	}
	if (have) {
		struct pollfd p = {.fd = pidfd, .events = POLLIN};
		poll(&p, 1, 10000);
		close(pidfd);
	}
}

/* cg and spec: what the caller has in memory (run), else NULL: opened here */
static int destroy(const char *root, const char *id, struct vps_state *st, struct vps_cgroup *cg,
		   const struct oci_spec *spec, vps_err *err)
{
	struct vps_cgroup *own_cg = NULL;
	struct oci_spec *own_spec = NULL;
	vps_err e;
	if (!cg && st->cgroup_path && vps_live_cgroup(st, &own_cg, &e) < 0)
		log_debug("delete %s: cgroup %s: %s", id, st->cgroup_path, e.msg);
	if (!cg)
		cg = own_cg;
	kill_and_wait(st, cg);
	if (!spec && vps_container_spec(root, id, &own_spec, &e) == 0)
		spec = own_spec;
	bool vps_face = spec && vps_mon_wanted(spec);
	if (spec) {
		st->status = VPS_STOPPED;
		_cleanup_free_ char *js = vps_state_oci_json(st);
		vps_hooks_run_warn(&spec->hooks, OCI_HOOK_POSTSTOP, js);
	}
	oci_spec_free(own_spec);
	json_object *net = st->extra ? json_object_object_get(st->extra, "net") : NULL;
	/* without extra["net"] (a create that crashed mid-way) the lease still tells */
	if (vps_net_teardown(root, id, net, &e) < 0)
		log_warn("delete %s: network: %s", id, e.msg);
	if (vps_face) /* before its scope goes: a reboot registers it again at once */
		vps_machine_unregister_vps(st);
	int r = 0;
	if (cg && vps_cgroup_destroy(cg, err) < 0)
		r = vps_error_wrap(err, "cgroup");
	vps_cgroup_free(own_cg);
	if (r < 0)
		return r;
	return vps_store_remove(root, id, err);
}

/* A VPS's monitor (mon.h) reaps the init, then writes into the state dir (the
 * end record, the console log): when it has one, end the init first and let
 * the monitor finish, told that this is a stop (it boots nothing again), so
 * that nothing is added to the dir while it is removed. Nothing is done to a
 * running VPS that the delete will refuse (no force). */
static void end_monitor(const char *root, const char *id, bool force)
{
	struct vps_state *st = NULL;
	int pidfd = -1, monfd = -1;
	vps_err e;
	if (vps_stop_prepare(root, id, force, &st, NULL, &pidfd, &monfd, &e) < 0)
		return;
	if (monfd >= 0 && vps_stop_kill(st, pidfd, &e) == 0)
		vps_stop_wait_monitor(monfd);
	vps_state_free(st);
	if (pidfd >= 0)
		close(pidfd);
	if (monfd >= 0)
		close(monfd);
}

int vps_delete(const char *root, const char *id, bool force, vps_err *err)
{
	int dirfd = -1, lockfd = -1, r;
	struct vps_state *st = NULL;
	if ((r = vps_id_validate(id, err)) < 0)
		return r;
	end_monitor(root, id, force);
	if ((r = vps_store_lock(root, id, &dirfd, &lockfd, err)) < 0)
		/* as runc: --force on a container that is already gone succeeds, so an
		 * engine cleaning up after a failed create does not report a second error */
		return r == -ENOENT && force ? 0 : r;
	vps_err e;
	if (vps_state_load(root, id, &st, &e) < 0) {
		/* a create that died before its first state write: only the dir */
		log_debug("delete %s: %s", id, e.msg);
		r = vps_store_remove(root, id, err);
		goto out;
	}
	/* NULL root: we hold the lock, so no create is in progress */
	enum vps_status s = vps_status_live(NULL, st);
	if ((s == VPS_RUNNING || s == VPS_PAUSED) && !force) {
		r = vps_errorx(err, EBUSY, "cannot delete container that is %s (use --force)",
			       vps_status_name(s));
		goto out;
	}
	if (s == VPS_CREATING && !force) {
		r = vps_errorx(err, EBUSY,
			       "container is being created (use --force if that create died)");
		goto out;
	}
	r = destroy(root, id, st, NULL, NULL, err);
out:
	vps_state_free(st);
	close(dirfd);
	close(lockfd);
	return r;
}

/* run's final delete: what create held, unless the container is gone (deleted
 * by someone else) or its state dir is no longer the one create made */
int vps_delete_held(const char *root, struct vps_held *h, vps_err *err)
{
	int dirfd = -1, lockfd = -1;
	int r = vps_store_lock(root, h->st->id, &dirfd, &lockfd, err);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	struct stat a, b;
	if (fstat(dirfd, &a) == 0 && fstat(h->dirfd, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		r = destroy(root, h->st->id, h->st, h->cg, h->spec, err);
	else
		log_debug("delete %s: replaced by another container since run created it",
			  h->st->id);
	close(dirfd);
	close(lockfd);
	return r;
}

int vps_delete_locked(const char *root, struct vps_state *st, vps_err *err)
{
	return destroy(root, st->id, st, NULL, NULL, err);
}
