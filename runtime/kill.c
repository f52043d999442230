/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kill: pidfd_send_signal to the init after its start time is verified, or
 * with --all, every process in the container's cgroup. SIGKILL to a container
 * without a pid namespace of its own is --all (as runc 1.2+): its init's death
 * takes nothing else with it. */
#include <errno.h>
#include <signal.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "runtime/internal.h"
#include "runtime/store.h"
#include "runtime/vm/vm.h"
#include "runtime/live.h"

static int kill_all(const struct vps_state *st, int sig, vps_err *err)
{
	struct vps_cgroup *cg = NULL;
	if (!st->cgroup_path)
		return vps_errorx(err, ENOENT, "container has no cgroup recorded");
	int r = vps_live_cgroup(st, &cg, err);
	if (r < 0)
		return vps_error_wrap(err, "cgroup");
	r = vps_cgroup_kill(cg, sig, err);
	vps_cgroup_free(cg);
	return r < 0 ? vps_error_wrap(err, "cgroup") : 0;
}

/* The container shares a pid namespace (the host's, or one it joined by path). */
static bool shared_pidns(const char *root, const char *id)
{
	struct oci_spec *spec = NULL;
	vps_err ignore;
	if (vps_container_spec(root, id, &spec, &ignore) < 0)
		return false;
	const struct oci_namespace *ns = &spec->lx.namespaces[OCI_NS_PID];
	bool shared = !ns->present || ns->path;
	oci_spec_free(spec);
	return shared;
}

int vps_kill(const char *root, const char *id, int sig, bool all, vps_err *err)
{
	int dirfd = -1, lockfd = -1, pidfd = -1, r;
	struct vps_state *st = NULL;
	if ((r = vps_container_load(root, id, &dirfd, &lockfd, &st, err)) < 0)
		return r;
	enum vps_status s = vps_status_live(root, st);
	if (sig == SIGKILL && !all && !vps_vm_state(st) && st->cgroup_path &&
	    shared_pidns(root, id))
		all = true;
	/* --all also reaches what outlived a stopped init (as runc allows) */
	bool stopped_all = all && s == VPS_STOPPED && !vps_vm_state(st);
	if (s != VPS_CREATED && s != VPS_RUNNING && s != VPS_PAUSED && !stopped_all) {
		r = vps_errorx(err, ESRCH, "container not running (%s)", vps_status_name(s));
		goto out;
	}
	if (vps_vm_state(st)) { /* the guest's process, through the VM's agent */
		r = vps_vm_signal(root, st, sig, err);
		goto out;
	}
	if (all) {
		r = kill_all(st, sig, err);
		goto out;
	}
	if ((r = vps_state_pidfd(st, &pidfd, err)) < 0)
		goto out;
	if (pidfd_send_signal(pidfd, sig, NULL, 0) < 0)
		r = vps_error(err, errno, "signal %d to pid %d", sig, (int)st->pid);
out:
	if (pidfd >= 0)
		close(pidfd);
	vps_state_free(st);
	close(dirfd);
	close(lockfd);
	return r;
}
