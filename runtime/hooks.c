/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OCI hooks: path + args + env (none: vps's, or for startContainer the
 * process's, as runc), the state JSON on stdin, an optional timeout (SIGKILL
 * when it expires). The hook's stdout and stderr are kept (the first
 * HOOK_OUT_MAX bytes) for the error, as runc. A failing prestart/createRuntime/
 * createContainer/startContainer hook fails the operation; poststart/poststop
 * failures warn. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/io.h"
#include "util/log.h"

#define HOOK_OUT_MAX 2048

extern char **environ;

struct hook_out {
	char buf[HOOK_OUT_MAX];
	size_t len;
};

/* What the hook wrote so far, kept up to HOOK_OUT_MAX, the rest read and
 * dropped; never blocks (a daemon the hook started may hold the pipe). */
static void drain(int fd, struct hook_out *o)
{
	char tmp[1024];
	ssize_t n;
	while ((n = read(fd, tmp, sizeof(tmp))) > 0) {
		size_t room = sizeof(o->buf) - 1 - o->len, k = (size_t)n < room ? (size_t)n : room;
		memcpy(o->buf + o->len, tmp, k);
		o->len += k;
	}
	while (o->len && (o->buf[o->len - 1] == '\n' || o->buf[o->len - 1] == ' '))
		o->len--;
	o->buf[o->len] = '\0';
}

static const char *const kind_names[OCI_HOOK_MAX] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static char **strv_nul(char **v, size_t n, const char *first)
{
	char **out = calloc(n + 2, sizeof(char *));
	if (!out)
		return NULL;
	size_t k = 0;
	if (!n && first)
		out[k++] = (char *)first;
	for (size_t i = 0; i < n; i++)
		out[k++] = v[i];
	return out;
}

/* Feed the state, wait (bounded by the timeout) reading the hook's output,
 * return the wait status. */
static int wait_hook(pid_t pid, int pidfd, int in_fd, int out_fd, const char *state,
		     int64_t timeout, int *wstatus, struct hook_out *out)
{
	if (state) /* an error is fine: the hook need not read its stdin */
		(void)vps_write_all(in_fd, state, strlen(state));
	close(in_fd);
	struct pollfd p[2] = {{.fd = pidfd, .events = POLLIN}, {.fd = out_fd, .events = POLLIN}};
	int64_t ms = timeout > 0 ? (timeout > 86400 ? 86400000 : timeout * 1000) : -1;
	int64_t end = ms < 0 ? 0 : vps_now_ms() + ms;
	int pr;
	do {
		/* the deadline holds however much the hook writes */
		int left = ms < 0 ? -1 : (int)(end > vps_now_ms() ? end - vps_now_ms() : 0);
		pr = poll(p, 2, left);
		if (pr > 0 && p[1].revents) {
			drain(out_fd, out);
			if (p[1].revents & (POLLHUP | POLLERR))
				p[1].fd = -1;
		}
	} while ((pr < 0 && errno == EINTR) || (pr > 0 && !p[0].revents));
	if (pr == 0)
		pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
	while (waitpid(pid, wstatus, 0) < 0 && errno == EINTR)
		;
	drain(out_fd, out);
	return pr == 0 ? -ETIMEDOUT : 0;
}

static int run_one(const struct oci_hook *h, const char *state, char *const *env, vps_err *err)
{
	_cleanup_free_ char **argv = strv_nul(h->args, h->n_args, h->path);
	_cleanup_free_ char **own_env = h->n_env ? strv_nul(h->env, h->n_env, NULL) : NULL;
	char *const *envp = h->n_env ? own_env : env ? env : environ;
	int pipefd[2], outfd[2];
	if (!argv || !envp)
		return vps_error(err, ENOMEM, "hook %s", h->path);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return vps_error(err, errno, "hook %s: pipe", h->path);
	if (pipe2(outfd, O_CLOEXEC | O_NONBLOCK) < 0) {
		vps_error(err, errno, "hook %s: pipe", h->path);
		close(pipefd[0]);
		close(pipefd[1]);
		return -err->code;
	}
	pid_t pid = fork();
	if (pid < 0) {
		vps_error(err, errno, "hook %s: fork", h->path);
		close(pipefd[0]);
		close(pipefd[1]);
		close(outfd[0]);
		close(outfd[1]);
		return -err->code;
	}
	if (pid == 0) {
		dup2(pipefd[0], STDIN_FILENO);
		dup2(outfd[1], STDOUT_FILENO);
		dup2(outfd[1], STDERR_FILENO);
		fcntl(STDOUT_FILENO, F_SETFL, 0); /* blocking for the hook */
		execve(h->path, argv, envp);
		_exit(127);
	}
	close(pipefd[0]);
	close(outfd[1]);
	_cleanup_close_ int out_fd = outfd[0];
	struct hook_out out = {.len = 0};
	signal(SIGPIPE, SIG_IGN);
	int pidfd = pidfd_open(pid, 0), ws = 0;
	if (pidfd < 0) {
		close(pipefd[1]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return vps_error(err, errno, "hook %s: pidfd", h->path);
	}
	int r = wait_hook(pid, pidfd, pipefd[1], out_fd, state, h->timeout.set ? h->timeout.v : 0,
			  &ws, &out);
	close(pidfd);
	if (r == -ETIMEDOUT)
		return vps_errorx(err, ETIMEDOUT, "hook %s: timed out after %llds", h->path,
				  (long long)h->timeout.v);
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 127 && access(h->path, X_OK) < 0)
		return vps_error(err, errno, "hook %s", h->path);
	const char *sep = out.len ? ", output: " : "";
	if (WIFEXITED(ws) && WEXITSTATUS(ws) != 0)
		return vps_errorx(err, EIO, "hook %s: exit status %d%s%s", h->path, WEXITSTATUS(ws),
				  sep, out.buf);
	if (WIFSIGNALED(ws))
		return vps_errorx(err, EIO, "hook %s: killed by signal %d%s%s", h->path,
				  WTERMSIG(ws), sep, out.buf);
	return 0;
}

int vps_hooks_run(const struct oci_hooks *h, enum oci_hook_kind kind, const char *state_json,
		  vps_err *err)
{
	return vps_hooks_run_env(h, kind, state_json, NULL, err);
}

int vps_hooks_run_env(const struct oci_hooks *h, enum oci_hook_kind kind, const char *state_json,
		      char *const *env, vps_err *err)
{
	for (size_t i = 0; i < h->n[kind]; i++) {
		int r = run_one(&h->list[kind][i], state_json, env, err);
		if (r < 0)
			/* runc's words, which its suite and engine users match */
			return vps_error_wrap(err, "error running %s hook #%zu", kind_names[kind],
					      i);
	}
	return 0;
}

void vps_hooks_run_warn(const struct oci_hooks *h, enum oci_hook_kind kind, const char *state_json)
{
	for (size_t i = 0; i < h->n[kind]; i++) {
		vps_err e;
		if (run_one(&h->list[kind][i], state_json, NULL, &e) < 0)
			log_warn("error running %s hook #%zu: %s", kind_names[kind], i, e.msg);
	}
}
