/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VM containers inside the one lifecycle: create.c hands a validated bundle
 * here when --vm or the annotation org.vps.isolation=vm asks for a VM; start,
 * kill and exec look at state.json's extra["vm"] to take the VM path; delete
 * needs nothing special (QEMU is the recorded pid, in the cgroup). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/create.h"
#include "runtime/live.h"
#include "runtime/mon.h"
#include "runtime/status.h"
#include "runtime/store.h"
#include "runtime/vm/vm.h"
#include "runtime/vm/vm_lifecycle.h"
#include "util/log.h"
#include "util/fmt.h"

bool vps_vm_state(const struct vps_state *st)
{
	return st && st->extra && json_object_object_get_ex(st->extra, "vm", NULL);
}

static int record_vm(struct cctx *c, const struct vps_vm_handle *h, vps_err *err)
{
	json_object *vm = json_object_new_object();
	if (!vm || (!c->st->extra && !(c->st->extra = json_object_new_object()))) {
		json_object_put(vm);
		return vps_error(err, ENOMEM, "vm state");
	}
	json_object_object_add(vm, "kernel", json_object_new_string(h->kernel));
	json_object_object_add(vm, "accelerator", json_object_new_string(h->accel));
	json_object_object_add(vm, "start", json_object_new_string(h->start));
	json_object_object_add(c->st->extra, "vm", vm);
	return 0;
}

int vps_vm_create_container(struct cctx *c, bool foreground, struct vps_created *out, vps_err *err)
{
	const struct oci_process *p = c->spec->process;
	if (!p)
		return vps_errorx(err, EINVAL, "config.json: .process: required to create");
	if (p->terminal && !foreground)
		return vps_errorx(err, ENOTSUP,
				  "vm: process.terminal needs `vps run -t` in the "
				  "foreground (no --console-socket for VMs yet)");
	int r = vps_store_create(c->o->root, c->o->id, &c->dirfd, &c->lockfd, err);
	if (r < 0)
		return r;
	c->stored = true;
	if ((r = vps_snprintf(c->dir, sizeof(c->dir), "%s/%s", c->o->root, c->o->id)) < 0)
		return vps_error(err, -r, "container dir of %s under %s", c->o->id, c->o->root);
	if ((r = vps_create_record(c, err)) < 0)
		return r;
	struct vps_vm_handle h;
	struct vps_vm_run_opts vo = {.root = c->o->root,
				     .id = c->o->id,
				     .bundle = c->bundle,
				     .spec = c->spec,
				     .cg = c->cg,
				     .dir = c->dir,
				     .dirfd = c->dirfd,
				     .detach = !foreground,
				     .cold = c->o->vm_cold,
				     .incoming = c->o->vm_incoming,
				     .debug = getenv("VPS_VM_DEBUG") != NULL};
	if ((r = vps_vm_create(&vo, &h, err)) < 0)
		return r;
	c->pid = h.pid;
	c->pidfd = (int)syscall(SYS_pidfd_open, h.pid, 0);
	c->st->pid = h.pid;
	if ((r = vps_proc_starttime(h.pid, &c->st->pid_start, err)) < 0 ||
	    (r = record_vm(c, &h, err)) < 0 ||
	    (c->monitor && (r = vps_mon_record(c->st, err)) < 0) ||
	    (r = vps_create_finish(c, err)) < 0) {
		if (h.in_fd >= 0)
			close(h.in_fd);
		return r;
	}
	out->pid = h.pid;
	out->pidfd = dup(c->pidfd);
	out->pty = h.in_fd;
	out->vm = true;
	out->tty = h.tty;
	return 0;
}

int vps_vm_signal(const char *root, const struct vps_state *st, int sig, vps_err *err)
{
	char dir[PATH_MAX];
	int r = vps_snprintf(dir, sizeof(dir), "%s/%s", root, st->id);
	if (r < 0)
		return vps_error(err, -r, "container dir of %s under %s", st->id, root);
	vps_err e = {0};
	r = vps_vm_kill(dir, sig, &e);
	if (r == 0)
		return 0;
	if (sig != SIGKILL) {
		*err = e;
		return r;
	}
	/* the agent is gone or stuck: SIGKILL ends the whole VM */
	log_debug("kill %s: agent: %s; killing QEMU", st->id, e.msg);
	int pidfd = -1;
	if ((r = vps_state_pidfd(st, &pidfd, err)) < 0)
		return r;
	r = pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0 ? vps_error(err, errno, "kill QEMU") : 0;
	close(pidfd);
	return r;
}

int vps_vm_wait_created(const char *root, const char *id, struct vps_created *cr, int *status,
			vps_err *err)
{
	char dir[PATH_MAX];
	int r = vps_snprintf(dir, sizeof(dir), "%s/%s", root, id);
	if (r < 0)
		return vps_error(err, -r, "container dir of %s under %s", id, root);
	struct vps_vm_handle h = {.pid = cr->pid, .in_fd = cr->pty, .tty = cr->tty};
	cr->pty = -1; /* vps_vm_wait closes it */
	struct vps_state *st = NULL;
	vps_err e = {0};
	if (vps_state_load(root, id, &st, &e) == 0) /* QEMU's cgroup: an OOM kill is named */
		vps_live_cgroup(st, &h.cg, NULL);
	vps_state_free(st);
	r = vps_vm_wait(dir, &h, status, err);
	vps_cgroup_free(h.cg);
	return r;
}

int vps_vm_exec_process(const char *root, const char *id, const struct oci_process *p, bool detach,
			int *status, vps_err *err)
{
	if (detach)
		return vps_errorx(err, ENOTSUP, "vm: exec -d is not supported in a VM yet");
	char dir[PATH_MAX];
	int r = vps_snprintf(dir, sizeof(dir), "%s/%s", root, id);
	if (r < 0)
		return vps_error(err, -r, "container dir of %s under %s", id, root);
	return vps_vm_exec(dir, p, status, err);
}

int vps_vm_end_wstatus(const char *root, const struct vps_state *st, int ws, char *why, size_t cap)
{
	char dir[PATH_MAX];
	struct vps_cgroup *cg = NULL;
	vps_err e = {0};
	int status = 0;
	why[0] = '\0';
	vps_live_cgroup(st, &cg, NULL);
	bool oom = ws != -1 && WIFSIGNALED(ws) && vps_vm_oom_ended(cg, why, cap);
	vps_cgroup_free(cg);
	if (oom || vps_snprintf(dir, sizeof(dir), "%s/%s", root, st->id) < 0 ||
	    vps_vm_exit_status(dir, ws, NULL, &status, &e) < 0)
		return ws;
	/* the guest's 128+N: its main process was killed by signal N */
	return status > 128 && status < 128 + NSIG ? status - 128 : (status & 0xff) << 8;
}
