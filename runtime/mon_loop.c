/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The monitor's life (mon.h): boot the VPS (create, start), relay its console
 * until the init ends, reap it, record how it ended in state.json (exit code
 * or signal, and the kind: reboot(2) inside a pid namespace kills its init
 * with SIGHUP for a restart and SIGINT for a halt or power-off), and after a
 * reboot delete and create it again from its bundle. Any other end (exit,
 * power-off, a kill, or an end that `vps stop` asked for) leaves the VPS
 * stopped with its record, and the monitor exits. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/create.h"
#include "runtime/foreground.h"
#include "runtime/mon.h"
#include "runtime/runtime.h"
#include "runtime/store.h"
#include "runtime/sysinfo.h"
#include "runtime/vm/vm_lifecycle.h"
#include "util/fmt.h"
#include "util/io.h"
#include "util/log.h"

#define FAST_REBOOT_S	 2  /* a boot shorter than this is a fast one ... */
#define FAST_REBOOTS_MAX 10 /* ... and after this many in a row the monitor gives up */

static void close_boot(struct vps_mon *m)
{
	vps_mon_sysinfo_stop(m);
	vps_mon_console_close(m);
	vps_conlog_close(&m->log);
	int *fds[] = {&m->pidfd, &m->pty, &m->peer};
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* The log and the console socket of the new boot's state dir. */
static int open_console(struct vps_mon *m, vps_err *err)
{
	char dir[PATH_MAX];
	if (vps_snprintf(dir, sizeof(dir), "%s/%s", m->o.root, m->o.id) < 0)
		return vps_errorx(err, ENAMETOOLONG, "state dir of %s: too long", m->o.id);
	vps_conlog_stash(m->o.root, m->o.id, false);
	int r = vps_conlog_open(&m->log, dir, err);
	if (r < 0 || (r = vps_mon_console_listen(m, err)) < 0)
		return r;
	fcntl(m->pty, F_SETFL, fcntl(m->pty, F_GETFL) | O_NONBLOCK);
	m->peer = ioctl(m->pty, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	return 0;
}

/* Register the boot with systemd-machined (machine.c), before it starts: what
 * that has to say goes into m->note (the first boot's report, the log). */
static void machine(struct vps_mon *m, const struct vps_state *st)
{
	vps_err e;
	int r = vps_machine_register_vps(m->o.root, m->o.id, st, &e);
	m->note_warn = r < 0;
	memcpy(m->note, e.msg, sizeof(m->note));
}

/* A warning about the boot into the console log, where `vps console` and
 * `vps logs` show it (its first boot's also goes to whoever started it). */
static void note_to_log(struct vps_mon *m)
{
	char line[VPS_ERR_MSG_MAX + 32]; /* never too short: the note is shorter */
	int n = vps_snprintf(line, sizeof(line), "vps: warning: %s\r\n", m->note);
	if (n > 0)
		vps_conlog_write(&m->log, line, (size_t)n);
}

int vps_mon_boot(struct vps_mon *m, bool start, vps_err *err)
{
	struct vps_created cr;
	struct vps_held h;
	const struct vps_restore_opts *ro = m->restore;
	m->restore = NULL; /* a reboot inside creates it afresh */
	if (ro)
		start = false; /* restored running */
	int r = ro ? vps_restore_internal(ro, &cr, err)
		   : vps_create_internal(&m->o, &cr, VPS_PTY_MONITOR, start ? &h : NULL, err);
	if (r < 0)
		return r;
	m->pid = cr.pid;
	m->pidfd = cr.pidfd;
	m->pty = cr.pty;
	m->vm = cr.vm;
	vps_mon_sysinfo_start(m, cr.sysinfo); /* before start: the init may ask at once */
	if (!m->vm) /* a VM's QEMU is no machine of machined's (not in a scope of its own) */
		machine(m, start ? h.st : NULL);
	/* a VM's create holds nothing: it starts through its state */
	if (start && (r = h.st ? vps_start_held(m->o.root, &h, err)
			       : vps_start(m->o.root, m->o.id, err)) < 0) {
		vps_err e;
		if (h.st)
			vps_delete_held(m->o.root, &h, &e);
		else
			vps_delete(m->o.root, m->o.id, true, &e);
	}
	if (start)
		vps_held_free(&h);
	if (r == 0 && (r = open_console(m, err)) < 0) {
		vps_err e;
		vps_delete(m->o.root, m->o.id, true, &e);
	}
	if (r == 0 && m->note_warn)
		note_to_log(m);
	if (r < 0) {
		waitpid(m->pid, NULL, 0);
		close_boot(m);
	}
	return r;
}

/* Read what the console has; false once it is empty (or gone). */
static bool console_out(struct vps_mon *m)
{
	char buf[VPS_CON_MSG];
	ssize_t n = read(m->pty, buf, sizeof(buf));
	if (n <= 0)
		return false;
	vps_mon_console_output(m, buf, (size_t)n);
	return true;
}

/* Serve until the init ends; its wait status. */
static int serve(struct vps_mon *m)
{
	bool hup = false;
	for (;;) {
		/* without our own slave fd, a master whose slave nobody has open
		 * polls HUP at once: leave it out for a while, then look again */
		struct pollfd p[4] = {{m->pidfd, POLLIN, 0},
				      {hup ? -1 : m->pty, POLLIN, 0},
				      {m->lsock, POLLIN, 0},
				      {m->client, POLLIN, 0}};
		int t = vps_mon_sysinfo_tick(m);
		if (hup && (t < 0 || t > 200))
			t = 200;
		if (poll(p, 4, t) < 0 && errno != EINTR)
			return -1;
		hup = (p[1].revents & POLLHUP) && !(p[1].revents & POLLIN);
		if (p[1].revents & POLLIN)
			console_out(m);
		if (p[2].revents & POLLIN)
			vps_mon_console_accept(m);
		if (p[3].revents & (POLLIN | POLLHUP | POLLERR))
			vps_mon_console_input(m);
		if (p[0].revents & POLLIN) {
			int ws = 0;
			pid_t w = waitpid(m->pid, &ws, WNOHANG);
			if (w == m->pid || (w < 0 && errno == ECHILD))
				return w == m->pid ? ws : -1;
		}
	}
}

/* runtime/end.c's names; "unknown" when the init was not ours to reap */
static const char *end_kind(int ws)
{
	return ws == -1 ? "unknown" : vps_end_kind_name(vps_init_end_kind(ws));
}

static void record(struct vps_state *st, int ws, const char *kind, const char *why)
{
	st->status = VPS_STOPPED;
	if (ws != -1)
		st->exit_status = vps_exit_code(ws);
	if (!st->extra && !(st->extra = json_object_new_object()))
		return;
	json_object *e = json_object_new_object();
	if (!e)
		return;
	json_object_object_add(e, "kind", json_object_new_string(kind));
	if (ws != -1 && WIFEXITED(ws))
		json_object_object_add(e, "code", json_object_new_int(WEXITSTATUS(ws)));
	if (ws != -1 && WIFSIGNALED(ws))
		json_object_object_add(e, "signal", json_object_new_int(WTERMSIG(ws)));
	if (*why) /* the OOM killer ended a VM */
		json_object_object_add(e, "reason", json_object_new_string(why));
	char *at = vps_now_rfc3339();
	if (at)
		json_object_object_add(e, "at", json_object_new_string(at));
	free(at);
	json_object_object_add(st->extra, "exit", e);
}

/* "vps: ID: WHAT" as the console log's last line (WHAT "": none). */
static void log_line(struct vps_mon *m, const char *what)
{
	char line[512];
	int n = vps_snprintf(line, sizeof(line), "\r\nvps: %s: %s\r\n", m->o.id, what);
	if (*what && n > 0)
		vps_conlog_write(&m->log, line, (size_t)n);
}

/* Record the end; true when the VPS is to boot again (its old self is then
 * deleted, the console log stashed for the new state dir). */
static bool end_of_boot(struct vps_mon *m, int ws)
{
	int dirfd = -1, lockfd = -1;
	struct vps_state *st = NULL;
	vps_err e;
	if (vps_container_load(m->o.root, m->o.id, &dirfd, &lockfd, &st, &e) < 0)
		return false; /* deleted meanwhile (vps delete, vps stop) */
	bool again = false;
	char why[160] = "";
	if (m->vm && st->pid == m->pid) /* QEMU's end: the guest's main process's */
		ws = vps_vm_end_wstatus(m->o.root, st, ws, why, sizeof(why));
	const char *kind = end_kind(ws);
	if (st->pid == m->pid) { /* still the VPS we booted */
		bool stopping = faccessat(dirfd, VPS_STOP_MARK, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
		record(st, ws, kind, why);
		log_line(m, why);
		if (vps_state_save_at(dirfd, st, &e) < 0)
			log_warn("monitor %s: %s", m->o.id, e.msg);
		again = !stopping && strcmp(kind, "reboot") == 0;
	}
	if (again) {
		vps_mon_console_close(m);
		vps_conlog_stash(m->o.root, m->o.id, true);
		if (vps_delete_locked(m->o.root, st, &e) < 0) {
			log_warn("monitor %s: reboot: %s", m->o.id, e.msg);
			again = false;
		}
	}
	vps_state_free(st);
	close(dirfd);
	close(lockfd);
	return again;
}

/* A reboot that could not boot again: the VPS is gone; its stashed log
 * (ROOT/.ID.console.log) says why, as its last line. */
static void boot_failed(struct vps_mon *m, const vps_err *e)
{
	char path[PATH_MAX], line[VPS_ERR_MSG_MAX + 64];
	if (vps_snprintf(path, sizeof(path), "%s/.%s.%s", m->o.root, m->o.id, VPS_CONSOLE_LOG) < 0)
		return;
	int fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	const char *fmt = "\r\nvps: reboot of %s failed: %s\r\n";
	/* snprintf-ok: a message line; a cut one still says it */
	int n = snprintf(line, sizeof(line), fmt, m->o.id, e->msg);
	if (fd >= 0 && n > 0)
		vps_write_all(fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	if (fd >= 0)
		close(fd);
}

_Noreturn void vps_mon_run(struct vps_mon *m)
{
	int fast = 0;
	for (;;) {
		time_t booted = time(NULL);
		int ws = serve(m);
		while (console_out(m)) /* what the init said last (non-blocking) */
			;
		bool again = end_of_boot(m, ws);
		close_boot(m);
		if (!again)
			_exit(0);
		fast = time(NULL) - booted < FAST_REBOOT_S ? fast + 1 : 0;
		if (fast > FAST_REBOOTS_MAX)
			_exit(1); /* a reboot loop: it stays deleted, its log stashed */
		if (fast)
			sleep(1);
		vps_err e;
		if (vps_mon_boot(m, true, &e) < 0) {
			boot_failed(m, &e);
			_exit(1);
		}
	}
}
