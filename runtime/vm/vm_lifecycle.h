/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VM side of runtime/'s lifecycle (internal: uses create.h's context). */
#pragma once
#include "runtime/create.h"
#include "runtime/vm/vm.h"

/* create/run: boot the VM for a loaded, validated bundle (c->spec, c->bundle):
 * state dir, state.json and cgroup as for a container, QEMU as the pid.
 * foreground (run): out->pty is the stdin/tty socket for vps_vm_wait_created. */
int vps_vm_create_container(struct cctx *c, bool foreground, struct vps_created *out, vps_err *err);
/* run in the foreground: relay, forward signals, the guest process's status. */
int vps_vm_wait_created(const char *root, const char *id, struct vps_created *cr, int *status,
			vps_err *err);
/* exec in a running VM. */
int vps_vm_exec_process(const char *root, const char *id, const struct oci_process *p, bool detach,
			int *status, vps_err *err);
/* The monitor (mon_loop.c), once QEMU of st is gone (ws: its wait status, or
 * -1): the wait status the guest's main process ended with, as if it were the
 * monitor's child (the guest's report; a QEMU killed from outside: its signal),
 * so reboot and power-off inside are told apart as in container mode. A QEMU
 * the OOM killer ended: its SIGKILL, and why says so (else why is ""). */
int vps_vm_end_wstatus(const char *root, const struct vps_state *st, int ws, char *why, size_t cap);
