/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The monitor's side of sysinfo (sysinfo.h): per boot it keeps the listener
 * fd the init's filter made, forks the server that answers on it and watches
 * it from its loop without ever waiting on it or on the VPS. A VPS that
 * floods sysinfo keeps the server busy, not the monitor (console, reap and
 * stop go on). A server that died (killed by the OOM killer, say) is started
 * again, at most SERVER_RESPAWNS times per boot; one that spent more than
 * STUCK_MS on one answer (the caller's page behind a userfaultfd or a FUSE
 * file that never answers) is killed, that call fails with EFAULT and a new
 * server takes over. */
#include <errno.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/live.h"
#include "runtime/mon.h"
#include "runtime/sysinfo.h"
#include "util/clock.h"

#define STUCK_MS	1000
#define TICK_MS		500
#define SERVER_RESPAWNS 16

struct vps_mon_si {
	int fd;			  /* the listener; -1 once done */
	int lsock;		  /* ROOT/ID/sysinfo.sock (exec's listeners), or -1 */
	pid_t server, dying;	  /* the server, a killed one not reaped yet; -1: none */
	unsigned respawns;	  /* this boot */
	struct vps_si_shared *sh; /* MAP_SHARED with the server */
};

/* Close every fd from 3 on but a and b (-1: none). */
static int keep_only(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;
	if (lo < 0)
		lo = hi;
	if (lo > 3 && close_range(3, (unsigned)lo - 1, 0) < 0)
		return -1;
	if (hi > lo + 1 && close_range((unsigned)lo + 1, (unsigned)hi - 1, 0) < 0)
		return -1;
	return close_range((unsigned)hi + 1, ~0U, 0);
}

static _Noreturn void server_main(struct vps_mon *m, struct vps_mon_si *si)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	prctl(PR_SET_NAME, "vps-sysinfo", 0, 0, 0);
	/* nothing of the monitor's (pty, console socket, log) but the listener */
	if (keep_only(si->fd, si->lsock) < 0)
		_exit(2);
	struct vps_live l;
	vps_err e;
	if (vps_live_open(m->o.root, m->o.id, false, &l, &e) < 0)
		_exit(2);
	vps_sysinfo_serve(si->fd, si->lsock, l.cg, m->pid, si->sh);
}

static void spawn(struct vps_mon *m)
{
	struct vps_mon_si *si = m->si;
	__atomic_store_n(&si->sh->since_ms, 0, __ATOMIC_SEQ_CST);
	pid_t pid = fork();
	if (pid == 0)
		server_main(m, si);
	si->server = pid > 0 ? pid : -1;
}

void vps_mon_sysinfo_start(struct vps_mon *m, int fd)
{
	if (fd < 0)
		return;
	struct vps_mon_si *si = m->si;
	if (!si && !(si = m->si = calloc(1, sizeof(*si)))) {
		close(fd);
		return;
	}
	if (!si->sh) {
		void *p = mmap(NULL, sizeof(*si->sh), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		si->sh = p == MAP_FAILED ? NULL : p;
	}
	si->fd = fd;
	si->lsock = vps_sysinfo_listen(m->o.root, m->o.id); /* without: no exec's */
	si->server = si->dying = -1;
	si->respawns = 0;
	if (!si->sh) {
		vps_mon_sysinfo_stop(m);
		return;
	}
	spawn(m);
}

/* Reap pid if it ended (WNOHANG); its wait status, or -1 while it lives. */
static int reaped(pid_t *pid)
{
	int ws = 0;
	if (*pid <= 0)
		return -1;
	pid_t w = waitpid(*pid, &ws, WNOHANG);
	if (w == 0)
		return -1;
	*pid = -1;
	return w < 0 ? 0 : ws;
}

/* The answer the killed server owed: EFAULT (its caller's memory did not
 * take it in time). ENOENT when it went out after all. */
static void fail_stuck(struct vps_mon_si *si)
{
	struct seccomp_notif_resp resp = {.id = si->sh->id, .error = -EFAULT};
	ioctl(si->fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

int vps_mon_sysinfo_tick(struct vps_mon *m)
{
	struct vps_mon_si *si = m->si;
	if (!si || si->fd < 0)
		return -1;
	reaped(&si->dying);
	int ws = reaped(&si->server);
	if (ws != -1 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0) {
		vps_mon_sysinfo_stop(m); /* no task uses the filter any more */
		return -1;
	}
	int64_t since = __atomic_load_n(&si->sh->since_ms, __ATOMIC_SEQ_CST);
	if (si->server > 0 && since && vps_now_ms() - since > STUCK_MS && si->dying < 0) {
		kill(si->server, SIGKILL);
		si->dying = si->server;
		si->server = -1;
		fail_stuck(si);
	}
	if (si->server < 0 && si->respawns < SERVER_RESPAWNS) {
		si->respawns++;
		spawn(m);
	} else if (si->server < 0 && si->dying < 0) {
		vps_mon_sysinfo_stop(m); /* given up: the kernel answers ENOSYS */
		return -1;
	}
	return si->server > 0 || si->dying > 0 ? TICK_MS : -1;
}

void vps_mon_sysinfo_stop(struct vps_mon *m)
{
	struct vps_mon_si *si = m->si;
	if (!si)
		return;
	pid_t *pids[] = {&si->server, &si->dying};
	for (size_t i = 0; i < 2; i++)
		if (*pids[i] > 0) {
			kill(*pids[i], SIGKILL);
			while (waitpid(*pids[i], NULL, 0) < 0 && errno == EINTR)
				;
			*pids[i] = -1;
		}
	if (si->fd >= 0)
		close(si->fd);
	si->fd = -1;
	if (si->lsock >= 0) {
		vps_sysinfo_unlink(m->o.root, m->o.id);
		close(si->lsock);
	}
	si->lsock = -1;
}
