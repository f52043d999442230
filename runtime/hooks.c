/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OCI hooks: path + args + env, the state JSON on stdin, an optional timeout
 * (SIGKILL when it expires). A failing prestart/createRuntime/createContainer/
 * startContainer hook fails the operation; poststart/poststop failures warn. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "util/cleanup.h"
#include "util/io.h"
#include "util/log.h"

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

/* Feed the state, wait (bounded by the timeout), return the wait status. */
static int wait_hook(pid_t pid, int pidfd, int in_fd, const char *state, int64_t timeout,
		     int *wstatus)
{
	if (state) /* an error is fine: the hook need not read its stdin */
		(void)vps_write_all(in_fd, state, strlen(state));
	close(in_fd);
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	int ms = timeout > 0 ? (int)(timeout > 86400 ? 86400000 : timeout * 1000) : -1;
	int pr;
	do
		pr = poll(&p, 1, ms);
	while (pr < 0 && errno == EINTR);
	if (pr == 0)
		pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
	while (waitpid(pid, wstatus, 0) < 0 && errno == EINTR)
		;
	return pr == 0 ? -ETIMEDOUT : 0;
}

static int run_one(const struct oci_hook *h, const char *state, vps_err *err)
{
	_cleanup_free_ char **argv = strv_nul(h->args, h->n_args, h->path);
	_cleanup_free_ char **envp = strv_nul(h->env, h->n_env, NULL);
	int pipefd[2];
	if (!argv || !envp)
		return vps_error(err, ENOMEM, "hook %s", h->path);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return vps_error(err, errno, "hook %s: pipe", h->path);
	pid_t pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return vps_error(err, errno, "hook %s: fork", h->path);
	}
	if (pid == 0) {
		dup2(pipefd[0], STDIN_FILENO);
		execve(h->path, argv, envp);
		_exit(127);
	}
	close(pipefd[0]);
	signal(SIGPIPE, SIG_IGN);
	int pidfd = pidfd_open(pid, 0), ws = 0;
	if (pidfd < 0) {
		close(pipefd[1]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return vps_error(err, errno, "hook %s: pidfd", h->path);
	}
	int r = wait_hook(pid, pidfd, pipefd[1], state, h->timeout.set ? h->timeout.v : 0, &ws);
	close(pidfd);
	if (r == -ETIMEDOUT)
		return vps_errorx(err, ETIMEDOUT, "hook %s: timed out after %llds", h->path,
				  (long long)h->timeout.v);
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 127 && access(h->path, X_OK) < 0)
		return vps_error(err, errno, "hook %s", h->path);
	if (WIFEXITED(ws) && WEXITSTATUS(ws) != 0)
		return vps_errorx(err, EIO, "hook %s: exit status %d", h->path, WEXITSTATUS(ws));
	if (WIFSIGNALED(ws))
		return vps_errorx(err, EIO, "hook %s: killed by signal %d", h->path, WTERMSIG(ws));
	return 0;
}

int vps_hooks_run(const struct oci_hooks *h, enum oci_hook_kind kind, const char *state_json,
		  vps_err *err)
{
	for (size_t i = 0; i < h->n[kind]; i++) {
		int r = run_one(&h->list[kind][i], state_json, err);
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
		if (run_one(&h->list[kind][i], state_json, &e) < 0)
			log_warn("error running %s hook #%zu: %s", kind_names[kind], i, e.msg);
	}
}
