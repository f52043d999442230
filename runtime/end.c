/* SPDX-License-Identifier: GPL-2.0-or-later */
/* How a VPS's init ended, told apart from its wait status: reboot(2) in the
 * VPS's own pid namespace kills the init with SIGHUP for a restart and SIGINT
 * for halt/poweroff (kernel/pid_namespace.c); a plain exit or another signal
 * is neither. The one who reaps the init (`vps run` in the foreground, the
 * VPS monitor) records the status in state.json (exitStatus, 128+N for
 * signal N) with vps_record_end. runtime.h. */
#include <errno.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/foreground.h"
#include "runtime/runtime.h"
#include "runtime/store.h"
#include "util/cleanup.h"

enum vps_end_kind vps_init_end_kind(int wstatus)
{
	if (wstatus == -1)
		return VPS_END_RUNNING;
	if (WIFEXITED(wstatus))
		return VPS_END_EXIT;
	if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGINT)
		return VPS_END_POWEROFF;
	if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGHUP)
		return VPS_END_REBOOT;
	return VPS_END_KILLED;
}

enum vps_end_kind vps_end_kind_of_status(int exit_status)
{
	if (exit_status < 0)
		return VPS_END_RUNNING;
	if (exit_status == 128 + SIGINT)
		return VPS_END_POWEROFF;
	if (exit_status == 128 + SIGHUP)
		return VPS_END_REBOOT;
	return exit_status > 128 ? VPS_END_KILLED : VPS_END_EXIT;
}

const char *vps_end_kind_name(enum vps_end_kind k)
{
	static const char *const names[] = {"running", "poweroff", "reboot", "exit", "killed"};
	return (unsigned)k < ARRAY_SIZE(names) ? names[k] : "unknown";
}

int vps_record_end(const char *root, const char *id, pid_t pid, int wstatus, vps_err *err)
{
	_cleanup_close_ int dirfd = -1, lockfd = -1;
	int r = vps_store_lock(root, id, &dirfd, &lockfd, err);
	if (r < 0)
		return r;
	struct vps_state *st = NULL;
	if ((r = vps_state_load(root, id, &st, err)) < 0)
		return r;
	if (st->pid != pid) {
		vps_state_free(st);
		return vps_errorx(err, ESRCH, "container %s: its init is not pid %d", id, (int)pid);
	}
	st->exit_status = vps_exit_code(wstatus);
	r = vps_state_save_at(dirfd, st, err);
	vps_state_free(st);
	return r;
}
