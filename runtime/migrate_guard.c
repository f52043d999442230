/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What makes vps migrate safe to kill: settling (undo before the destination
 * runs the VPS, finish after) and the guard, a child in its own process group
 * that holds the read end of a pipe. vps migrate writes each phase to it and
 * MIG_DONE at the end; when the pipe reaches EOF without MIG_DONE (vps
 * migrate was killed) the guard settles from the last phase it heard: the
 * source thawed (or started) and the destination's bundle, record and
 * container removed, or, once the destination confirmed, the source removed.
 * A VPS is never left on neither host. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/migrate.h"
#include "util/fmt.h"
#include "util/io.h"

/* The source as it was: thawed if frozen (its network back first), started
 * again if we stopped it. */
static int source_back(struct mig *m, vps_err *err)
{
	const struct vps_migrate_opts *o = m->o;
	struct vps_state *st = NULL;
	vps_err e;
	enum vps_status s = VPS_STOPPED;
	if (vps_state_load(o->root, o->name, &st, &e) == 0)
		s = vps_status_live(o->root, st);
	vps_state_free(st);
	if (s == VPS_PAUSED && m->was_running) {
		/* its network back first; thawed even if that failed */
		int r = vps_mig_net_back(m, err);
		int t = vps_resume(o->root, o->name, r < 0 ? &e : err);
		return r < 0 ? r : t;
	}
	if (s != VPS_RUNNING && m->was_running) {
		enum vps_status was;
		return vps_inv_start(o->root, o->inventory, o->name, &was, err);
	}
	return 0;
}

int vps_mig_settle(struct mig *m, vps_err *err)
{
	const struct vps_migrate_opts *o = m->o;
	vps_err e2;
	if (m->phase >= MIG_RUNNING) {
		if (m->vm && m->live)
			vps_mig_vm_end(m); /* its stopped QEMU: the agent cannot answer */
		int r = vps_inv_destroy(o->root, o->inventory, o->name, false, true, err);
		return r < 0 ? vps_error_wrap(err, "running at the destination, but removing "
						   "the source")
			     : 0;
	}
	int r = 0;
	if (m->phase > MIG_CHECK &&
	    vps_mig_far(m, NULL, 0, &e2, "abort", o->name, m->dbundle, NULL) < 0)
		r = vps_errorx(err, e2.code, "%s", e2.msg);
	if ((m->vm && m->live ? vps_mig_vm_back(m, &e2) : source_back(m, &e2)) < 0 && r == 0)
		r = vps_errorx(err, e2.code, "the source: %s", e2.msg);
	return r;
}

static _Noreturn void guard(struct mig *m, int in)
{
	unsigned char p = MIG_CHECK, b;
	ssize_t n;
	setpgid(0, 0); /* the operator's ^C is for vps migrate, not for us */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	while ((n = read(in, &b, 1)) == 1 || (n < 0 && errno == EINTR))
		if (n == 1)
			p = b;
	if (p == MIG_DONE)
		_exit(0);
	m->phase = (enum mig_phase)p;
	vps_err e = {0};
	int r = vps_mig_settle(m, &e);
	char line[VPS_ERR_MSG_MAX + 256]; /* fits: a name and an error message */
	vps_snprintf(line, sizeof(line), "vps: migrate %s: interrupted at %s; %s%s\n", m->o->name,
		     vps_mig_phase_name(p),
		     p >= MIG_RUNNING ? "it runs at the destination, the source is removed"
				      : "the source runs on, the destination is clean",
		     r < 0 ? " (not quite: see below)" : "");
	vps_write_all(2, line, strlen(line));
	if (r < 0) {
		/* fits: an error message and a name in VPS_ERR_MSG_MAX + 256 */
		vps_snprintf(line, sizeof(line), "vps: migrate %s: %s\n", m->o->name, e.msg);
		vps_write_all(2, line, strlen(line));
	}
	_exit(r < 0);
}

int vps_mig_guard_start(struct mig *m, vps_err *err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return vps_error(err, errno, "pipe for the guard");
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]), close(p[1]);
		return vps_error(err, errno, "fork the guard");
	}
	if (pid == 0) {
		close(p[1]);
		guard(m, p[0]);
	}
	close(p[0]);
	m->guard = p[1];
	m->guard_pid = pid;
	return 0;
}

void vps_mig_guard_phase(struct mig *m, enum mig_phase p)
{
	unsigned char b = (unsigned char)p;
	if (m->guard >= 0)
		vps_write_all(m->guard, &b, 1);
}

void vps_mig_guard_done(struct mig *m)
{
	if (m->guard < 0)
		return;
	vps_mig_guard_phase(m, MIG_DONE);
	close(m->guard);
	m->guard = -1;
	while (waitpid(m->guard_pid, NULL, 0) < 0 && errno == EINTR)
		;
	m->guard_pid = 0;
}
