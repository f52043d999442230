/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Launching a VPS's monitor (mon.h). The caller forks; the child makes a
 * session of its own (setsid) and forks again, so the monitor is no session
 * leader and never gets a controlling terminal: closing the operator's
 * terminal does not reach it. It keeps none of the caller's fds (stdio is
 * /dev/null, everything else closed), so `out=$(vps create ...)` returns as
 * soon as the monitor reports on a pipe that the VPS is created (or started,
 * for run -d), or why not. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs/template.h"
#include "runtime/mon.h"
#include "runtime/status.h"
#include "util/io.h"
#include "util/log.h"

struct report {
	int32_t code; /* 0, or the create's errno */
	int32_t pid;
	char msg[VPS_ERR_MSG_MAX];
	int32_t note_warn; /* the boot's note (vps_mon): a warning, else a debug line */
	char note[VPS_ERR_MSG_MAX];
};

bool vps_mon_wanted(const struct oci_spec *spec)
{
	return oci_annotation(spec, VPS_ANN_NAME) != NULL;
}

int vps_mon_record(struct vps_state *st, vps_err *err)
{
	uint64_t start = 0;
	int r = vps_proc_starttime(getpid(), &start, err);
	if (r < 0)
		return r;
	json_object *m = json_object_new_object();
	if (!m || (!st->extra && !(st->extra = json_object_new_object()))) {
		json_object_put(m);
		return vps_error(err, ENOMEM, "monitor record");
	}
	json_object_object_add(m, "pid", json_object_new_int64(getpid()));
	json_object_object_add(m, "start", json_object_new_int64((int64_t)start));
	json_object_object_add(st->extra, "monitor", m);
	return 0;
}

/* Nothing of the caller stays: stdio on /dev/null, other fds closed but
 * keep; default signal handling, nothing blocked; not ptraceable. */
static int detach(int keep)
{
	vps_log_close();
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return -1;
	for (int fd = 0; fd < 3; fd++)
		if (null != fd && dup2(null, fd) < 0)
			return -1;
	if (keep > 3 && close_range(3, (unsigned)keep - 1, 0) < 0)
		return -1;
	if (close_range((unsigned)keep + 1, ~0U, 0) < 0)
		return -1;
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	umask(077);
	prctl(PR_SET_NAME, VPS_MON_COMM, 0, 0, 0);
	return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* Paths the reboots need made absolute (the caller's cwd is left behind). */
static int absolute(struct vps_mon *m, vps_err *err)
{
	if (!realpath(m->o.root, m->root))
		return vps_error(err, errno, "state root %s", m->o.root);
	m->o.root = m->root;
	if (m->o.inventory && realpath(m->o.inventory, m->inventory))
		m->o.inventory = m->inventory;
	return 0;
}

static _Noreturn void monitor(const struct vps_create_opts *o, const struct vps_restore_opts *ro,
			      bool start, int report)
{
	struct vps_mon *m = calloc(1, sizeof(*m)); /* lives as long as the process */
	struct report rep = {0};
	vps_err err = {0};
	if (report < 3) /* the caller had stdio closed: keep it off 0-2 */
		report = fcntl(report, F_DUPFD_CLOEXEC, 3);
	int r = report < 0 ? -1 : detach(report);
	if (!m || report < 0)
		_exit(1);
	*m = (struct vps_mon){.o = *o,
			      .pidfd = -1,
			      .pty = -1,
			      .peer = -1,
			      .lsock = -1,
			      .client = -1,
			      .log = {.fd = -1},
			      .restore = ro};
	if (r < 0)
		r = vps_error(&err, errno, "monitor: detach from the caller");
	if (r == 0 && !realpath(o->bundle ? o->bundle : ".", m->bundle))
		r = vps_error(&err, errno, "bundle %s", o->bundle ? o->bundle : ".");
	m->o.bundle = m->bundle;
	if (r == 0)
		r = vps_mon_boot(m, start, &err);
	if (r == 0 && (r = absolute(m, &err)) < 0)
		kill(m->pid, SIGKILL);
	rep.code = r < 0 ? (err.code > 0 ? err.code : EINVAL) : 0;
	rep.pid = m->pid;
	if (r < 0)
		memcpy(rep.msg, err.msg, sizeof(rep.msg));
	rep.note_warn = m->note_warn;
	memcpy(rep.note, m->note, sizeof(rep.note));
	vps_write_all(report, &rep, sizeof(rep));
	close(report);
	if (r < 0)
		_exit(1);
	m->o.pid_file = NULL; /* a reboot does not rewrite it: relative to a cwd we left */
	if (chdir("/") < 0)
		_exit(1);
	vps_mon_run(m);
}

static int launch(const struct vps_create_opts *o, const struct vps_restore_opts *ro, bool start,
		  struct vps_created *out, vps_err *err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return vps_error(err, errno, "monitor: pipe");
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return vps_error(err, errno, "monitor: fork");
	}
	if (pid == 0) {
		close(p[0]);
		if (setsid() < 0)
			_exit(1);
		pid_t mon = fork();
		if (mon != 0)
			_exit(mon < 0);
		monitor(o, ro, start, p[1]);
	}
	close(p[1]);
	int ws;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	struct report rep;
	ssize_t n = vps_read_full(p[0], &rep, sizeof(rep));
	close(p[0]);
	if (n != (ssize_t)sizeof(rep))
		return vps_errorx(err, ECHILD, "the VPS's monitor exited before the VPS was %s",
				  ro	  ? "restored"
				  : start ? "started"
					  : "created");
	if (rep.code) {
		rep.msg[sizeof(rep.msg) - 1] = 0;
		return vps_errorx(err, rep.code, "%s", rep.msg);
	}
	rep.note[sizeof(rep.note) - 1] = 0;
	if (rep.note[0] && rep.note_warn)
		log_warn("%s", rep.note);
	else if (rep.note[0])
		log_debug("%s", rep.note);
	out->pid = rep.pid;
	out->monitor = true;
	return 0;
}

int vps_mon_launch(const struct vps_create_opts *o, bool start, struct vps_created *out,
		   vps_err *err)
{
	return launch(o, NULL, start, out, err);
}

int vps_mon_launch_restore(const struct vps_restore_opts *o, struct vps_created *out, vps_err *err)
{
	struct vps_create_opts co = {.root = o->root, .id = o->id, .bundle = o->bundle};
	return launch(&co, o, false, out, err);
}
