/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The far side of vps migrate: the destination's `vps migrate-recv` and the
 * copies, run as commands. Over ssh (DEST = [user@]host) vps runs
 * `RSH HOST vps ...` (each word quoted for the far shell) and rsync -e RSH;
 * on this machine (--to-root) this same vps binary and a local rsync. There
 * is no daemon on either side. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/migrate.h"
#include "runtime/vm/vm.h"
#include "util/clock.h"
#include "util/fmt.h"
#include "util/io.h"

#define OUT_MAX	       4096
#define RSYNC_VANISHED 24 /* rsync: some files vanished before they could be transferred */

/* one word for the far shell: 'word' with every ' as '\'' */
static void far_word(struct mig *m, struct vps_argv *a, const char *w)
{
	char q[8192];
	size_t n = 0;
	if (vps_mig_local(m)) {
		vps_argv_add(a, "%s", w);
		return;
	}
	q[n++] = '\'';
	for (; *w && n < sizeof(q) - 8; w++) {
		if (*w == '\'') {
			memcpy(q + n, "'\\''", 4);
			n += 4;
		} else
			q[n++] = *w;
	}
	if (*w) { /* too long for the far shell: fail the vector */
		a->failed = true;
		return;
	}
	q[n++] = '\'';
	q[n] = '\0';
	vps_argv_add(a, "%s", q);
}

/* the ssh command's words (split at blanks) */
static void rsh_words(struct mig *m, struct vps_argv *a)
{
	char buf[1024];
	if (vps_snprintf(buf, sizeof(buf), "%s", m->o->rsh ? m->o->rsh : "ssh") < 0) {
		a->failed = true;
		return;
	}
	for (char *save = NULL, *w = strtok_r(buf, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save))
		vps_argv_add(a, "%s", w);
}

static void far_vps(struct mig *m, struct vps_argv *a)
{
	const struct vps_migrate_opts *o = m->o;
	if (!vps_mig_local(m)) {
		rsh_words(m, a);
		vps_argv_add(a, "%s", o->dest);
	}
	far_word(m, a, o->to_vps ? o->to_vps : vps_mig_local(m) ? m->self : "vps");
	const char *flags[][2] = {
	    {"--root", o->to_root}, {"--inventory", o->to_inventory}, {"--criu", o->criu}};
	for (size_t i = 0; i < 3; i++)
		if (flags[i][1]) {
			far_word(m, a, flags[i][0]);
			far_word(m, a, flags[i][1]);
		}
	far_word(m, a, "migrate-recv");
}

/* keep the tail of what fd says in buf (NUL-terminated); echo: copy to stderr */
static bool drain(int fd, char *buf, size_t sz, size_t *len, bool echo)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	if (n <= 0)
		return n < 0 && errno == EINTR;
	if (echo)
		vps_write_all(2, chunk, (size_t)n);
	if (*len + (size_t)n >= sz) { /* keep the latest */
		size_t drop = *len + (size_t)n - (sz - 1);
		drop = drop > *len ? *len : drop;
		memmove(buf, buf + drop, *len - drop);
		*len -= drop;
	}
	size_t take = (size_t)n > sz - 1 - *len ? sz - 1 - *len : (size_t)n;
	memcpy(buf + *len, chunk + (size_t)n - take, take);
	*len += take;
	buf[*len] = '\0';
	return true;
}

/* Start a: stdin from in (-1: /dev/null), stdout and stderr to pipes. */
static int spawn(struct vps_argv *a, int in, struct mig_far *f, vps_err *err)
{
	int po[2], pe[2];
	*f = (struct mig_far){.pid = -1, .out = -1, .errfd = -1, .wait_ms = -1};
	if (a->failed)
		return vps_errorx(err, E2BIG, "%s: arguments too long", a->v[0]);
	if (pipe2(po, O_CLOEXEC) < 0)
		return vps_error(err, errno, "pipe");
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]), close(po[1]);
		return vps_error(err, errno, "pipe");
	}
	pid_t pid = fork();
	if (pid == 0) {
		if (in < 0)
			in = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (in < 0 || dup2(in, 0) < 0 || dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0)
			_exit(127);
		execvp(a->v[0], a->v);
		dprintf(2, "exec %s: %s\n", a->v[0], strerror(errno));
		_exit(127);
	}
	close(po[1]), close(pe[1]);
	if (pid < 0) {
		close(po[0]), close(pe[0]);
		return vps_error(err, errno, "fork for %s", a->v[0]);
	}
	*f = (struct mig_far){.pid = pid, .out = po[0], .errfd = pe[0], .wait_ms = -1};
	return 0;
}

/* Wait for f; its stdout in out, its stderr's last line as the error. Exit
 * status ok also counts as success (rsync's 24: files vanished while the
 * VPS ran; the final copy, with it frozen or stopped, catches up).
 * t_out (or NULL): when its stdout first said something (vps_now_ms). */
static int collect(struct mig_far *f, char *out, size_t out_sz, bool echo, int ok, long *t_out,
		   vps_err *err)
{
	char ebuf[OUT_MAX], obuf[OUT_MAX];
	size_t olen = 0, elen = 0;
	bool o_open = true, e_open = true;
	int silent = 0; /* it was ended, silent for that many ms */
	ebuf[0] = obuf[0] = '\0';
	while (o_open || e_open) {
		struct pollfd p[2] = {{o_open ? f->out : -1, POLLIN, 0},
				      {e_open ? f->errfd : -1, POLLIN, 0}};
		int n = poll(p, 2, f->wait_ms);
		if (n == 0) {
			kill(f->pid, SIGTERM);
			silent = f->wait_ms, f->wait_ms = -1;
		}
		if (n < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			o_open = drain(f->out, obuf, sizeof(obuf), &olen, echo);
		if (t_out && !*t_out && olen)
			*t_out = vps_now_ms();
		if (p[1].revents)
			e_open = drain(f->errfd, ebuf, sizeof(ebuf), &elen, false);
	}
	close(f->out), close(f->errfd);
	int ws = 0;
	while (waitpid(f->pid, &ws, 0) < 0 && errno == EINTR)
		;
	*f = (struct mig_far){.pid = -1, .out = -1, .errfd = -1, .wait_ms = -1};
	/* callers read a short answer: a longer one is none (empty), never a cut one */
	if (out && vps_snprintf(out, out_sz, "%s", obuf) < 0)
		out[0] = '\0';
	if (WIFEXITED(ws) && (WEXITSTATUS(ws) == 0 || WEXITSTATUS(ws) == ok))
		return 0;
	if (silent)
		return vps_errorx(err, ETIMEDOUT, "no answer for %d s", silent / 1000);
	while (elen && ebuf[elen - 1] == '\n')
		ebuf[--elen] = '\0';
	const char *line = strrchr(ebuf, '\n');
	line = line ? line + 1 : ebuf;
	if (strncmp(line, "vps: ", 5) == 0) /* the far vps's own "vps: CMD ID: " */
		line += 5;
	return vps_errorx(err, EIO, "%s", *line ? line : "failed without a message");
}

static int run(struct vps_argv *a, char *out, size_t out_sz, bool echo, int ok, long *t_out,
	       vps_err *err)
{
	struct mig_far f;
	int r = spawn(a, -1, &f, err);
	return r < 0 ? r : collect(&f, out, out_sz, echo, ok, t_out, err);
}

static void far_argv(struct mig *m, struct vps_argv *a, const char *op, va_list ap)
{
	far_vps(m, a);
	far_word(m, a, op);
	for (const char *w; (w = va_arg(ap, const char *));)
		far_word(m, a, w);
}

static int far_failed(struct mig *m, vps_err *err)
{
	return vps_error_wrap(err, "destination %s", m->o->dest ? m->o->dest : "(this machine)");
}

int vps_mig_far(struct mig *m, char *out, size_t out_sz, vps_err *err, const char *op, ...)
{
	struct vps_argv a = {.n = 0};
	va_list ap;
	va_start(ap, op);
	far_argv(m, &a, op, ap);
	va_end(ap);
	m->t_answer = 0;
	int r = run(&a, out, out_sz, false, 0, &m->t_answer, err);
	vps_argv_free(&a);
	return r < 0 ? far_failed(m, err) : 0;
}

int vps_mig_far_start(struct mig *m, int in, struct mig_far *f, vps_err *err, const char *op, ...)
{
	struct vps_argv a = {.n = 0};
	va_list ap;
	va_start(ap, op);
	far_argv(m, &a, op, ap);
	va_end(ap);
	int r = spawn(&a, in, f, err);
	vps_argv_free(&a);
	return r < 0 ? far_failed(m, err) : 0;
}

int vps_mig_far_ready(struct mig *m, struct mig_far *f, vps_err *err)
{
	char c;
	ssize_t n;
	while ((n = read(f->out, &c, 1)) == 1 || (n < 0 && errno == EINTR))
		if (n == 1 && c == '\n')
			return 0;
	/* it ended first: its error */
	int r = collect(f, NULL, 0, false, 0, NULL, err);
	if (r == 0)
		r = vps_errorx(err, EPROTO, "ended without saying it was ready");
	far_failed(m, err);
	return r;
}

int vps_mig_far_wait(struct mig *m, struct mig_far *f, int wait_ms, vps_err *err)
{
	if (f->pid <= 0)
		return 0;
	if (wait_ms == 0)
		kill(f->pid, SIGTERM);
	f->wait_ms = wait_ms > 0 ? wait_ms : -1;
	return collect(f, NULL, 0, false, 0, NULL, err) < 0 ? far_failed(m, err) : 0;
}

/* rsync --stats: "Total bytes sent: 1,234" */
static uint64_t bytes_sent(const char *out)
{
	const char *p = strstr(out, "Total bytes sent:");
	uint64_t n = 0;
	for (p = p ? p + 17 : ""; *p == ' '; p++)
		;
	for (; (*p >= '0' && *p <= '9') || *p == ','; p++)
		if (*p != ',')
			n = n * 10 + (uint64_t)(*p - '0');
	return n;
}

int vps_mig_rsync(struct mig *m, const char *src, const char *dst, vps_err *err)
{
	struct vps_argv a = {.n = 0};
	char out[OUT_MAX];
	vps_argv_add(&a, "rsync");
	vps_argv_add(&a, "-aHAX");
	vps_argv_add(&a, "--numeric-ids");
	vps_argv_add(&a, "--delete");
	vps_argv_add(&a, "--exclude=/%s", MIG_MARK);
	vps_argv_add(&a, "--exclude=/%s", MIG_IMAGES);
	vps_argv_add(&a, "--stats");
	if (m->inplace)
		vps_argv_add(&a, "--inplace");
	if (m->o->progress)
		vps_argv_add(&a, "--info=progress2");
	if (!vps_mig_local(m)) {
		vps_argv_add(&a, "-e");
		vps_argv_add(&a, "%s", m->o->rsh ? m->o->rsh : "ssh");
	}
	vps_argv_add(&a, "%s/", src);
	if (vps_mig_local(m))
		vps_argv_add(&a, "%s/", dst);
	else
		vps_argv_add(&a, "%s:%s/", m->o->dest, dst);
	int r = run(&a, out, sizeof(out), m->o->progress, RSYNC_VANISHED, NULL, err);
	vps_argv_free(&a);
	if (r < 0)
		return vps_error_wrap(err, "rsync %s", src);
	m->bytes += bytes_sent(out);
	return 0;
}
