/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running CRIU. vps execs the `criu` command line (dump, restore, check)
 * rather than speaking its swrk RPC or linking libcriu: the RPC needs
 * protobuf-c and CRIU's .proto files in the build for a handful of options the
 * command line has too, libcriu is not packaged for Debian 12, and the CLI
 * lets the operator hand vps any criu (--criu PATH), including a wrapper
 * script that starts a newer criu through its own dynamic loader
 * (tests/tools/criu-private.sh). What the CLI cannot do (the swrk-only
 * orphan-pts-master) is done with external ttys instead (criu_ext.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "runtime/criu.h"
#include "util/cleanup.h"
#include "util/io.h"
#include "util/log.h"

void vps_criu_begin(struct vps_argv *a, const char *criu, const char *action)
{
	vps_argv_add(a, "%s", criu && *criu ? criu : "criu");
	vps_argv_add(a, "%s", action);
}

/* The first "Error" line of criu's log that is not noise, else its last line. */
static void first_error(const char *log, char *out, size_t sz)
{
	_cleanup_fclose_ FILE *f = log ? fopen(log, "re") : NULL;
	char line[512], last[512] = "";
	*out = '\0';
	for (int n = 0; f && n < 1000000 && fgets(line, sizeof(line), f); n++) {
		line[strcspn(line, "\n")] = '\0';
		if (*line)
			memcpy(last, line, sizeof(last));
		/* criu raises RLIMIT_NOFILE where it may, and says Error when it may not */
		if (!*out && strstr(line, "Error (") && !strstr(line, "RLIMIT_NOFILE")) {
			const char *m = strstr(line, "): ");
			snprintf(out, sz, "%s", m ? m + 3 : line); /* snprintf-ok: message text */
		}
	}
	if (!*out)
		snprintf(out, sz, "%s", *last ? last : "no log"); /* snprintf-ok: message text */
}

/* The child: join the cgroup, keep the passed fds open, exec; any failure goes
 * to report (CLOEXEC: EOF there means the exec happened). */
static _Noreturn void child(const struct vps_criu_run *r, char **argv, int report)
{
	vps_err e = {0};
	int rc = 0;
	if (r->cgroup)
		rc = vps_cgroup_enter(r->cgroup, getpid(), &e);
	int null = r->quiet ? open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;
	if (null >= 0 && (dup2(null, 1) < 0 || dup2(null, 2) < 0))
		rc = vps_error(&e, errno, "/dev/null for criu");
	for (size_t i = 0; rc == 0 && i < r->n_pass; i++)
		if (fcntl(r->pass_fds[i], F_SETFD, 0) < 0)
			rc = vps_error(&e, errno, "keep fd %d for criu", r->pass_fds[i]);
	if (rc == 0) {
		execvp(argv[0], argv);
		vps_error(&e, errno, "exec %s", argv[0]);
	}
	vps_write_all(report, e.msg, strlen(e.msg));
	_exit(127);
}

int vps_criu_exec(const struct vps_criu_run *r, struct vps_argv *a, vps_err *err)
{
	const char *what = a->n > 1 ? a->v[1] : "?";
	if (a->failed)
		return vps_errorx(err, E2BIG, "criu %s: too many arguments", what);
	for (size_t i = 0; i < a->n; i++)
		log_debug("criu argv[%zu] %s", i, a->v[i]);
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return vps_error(err, errno, "pipe");
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return vps_error(err, errno, "fork for criu");
	}
	if (pid == 0) {
		close(p[0]);
		child(r, a->v, p[1]);
	}
	close(p[1]);
	char msg[sizeof(err->msg)] = "";
	ssize_t n = vps_read_full(p[0], msg, sizeof(msg) - 1);
	close(p[0]);
	int ws;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return vps_error(err, errno, "wait for criu");
	if (n > 0) {
		msg[n] = '\0';
		return vps_errorx(err, ENOEXEC, "criu %s: %s", what, msg);
	}
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
		return 0;
	char why[520];
	first_error(r->log, why, sizeof(why));
	if (WIFSIGNALED(ws))
		return vps_errorx(err, EIO, "criu %s killed by signal %d: %s (log: %s)", what,
				  WTERMSIG(ws), why, r->log ? r->log : "none");
	return vps_errorx(err, EIO, "criu %s failed (exit %d): %s (log: %s)", what, WEXITSTATUS(ws),
			  why, r->log ? r->log : "none");
}
