/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Child-side process details: the working directory (verified to be inside the
 * container's root), the executable lookup, fd hygiene and the final exec. */
#include <ctype.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs/users.h"
#include "runtime/internal.h"
#include "util/fmt.h"
#include "util/log.h"

int vps_child_cwd(const char *cwd, vps_err *err)
{
	char buf[4096];
	if (!cwd || !*cwd)
		cwd = "/";
	if (chdir(cwd) < 0)
		return vps_error(err, errno, "process.cwd %s", cwd);
	/* A cwd reached through a leaked host fd (/proc/self/fd/N) lies outside
	 * our root: getcwd() then fails or returns "(unreachable)/...". */
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		return vps_errorx(err, EPERM, "process.cwd %s: resolves outside the container root",
				  cwd);
	return 0;
}

/* The last "NAME=" entry of ENV (the one a process sees, as runc dedups), or NULL. */
static const char *env_last(char *const *env, size_t n, const char *name, size_t len)
{
	for (size_t i = n; i > 0; i--)
		if (strncmp(env[i - 1], name, len) == 0 && env[i - 1][len] == '=')
			return env[i - 1] + len + 1;
	return NULL;
}

static const char *env_path(const struct oci_process *p)
{
	const char *path = env_last(p->env, p->n_env, "PATH", 4);
	return path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* May this process exec path? Checked with the effective ids and
 * capabilities (AT_EACCESS), as execve checks it: access() would use the real
 * uid and drop every capability for a non-root one, so CAP_DAC_OVERRIDE would
 * not count (runc#3715). Only EACCES is an answer: a check the kernel or a
 * seccomp filter refuses (ENOSYS, EPERM) is left to execve itself. */
static bool may_exec(const char *path)
{
	/* the syscall itself: glibc would emulate a refused one with stat(),
	 * which knows no capabilities */
	return syscall(SYS_faccessat2, AT_FDCWD, path, X_OK, AT_EACCESS) == 0 || errno != EACCES;
}

static bool is_executable(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && may_exec(path);
}

/* An exec failure in runc's words ("exec /run.sh: no such file or directory",
 * Go's PathError), errno lowercase as Go spells it: docker's CLI turns a start
 * error containing "no such file or directory" into exit 127 and "permission
 * denied" into 126, matching case. */
static int exec_error(vps_err *err, int e, const char *a)
{
	char msg[96];
	vps_snprintf(msg, sizeof(msg), "%s", strerror(e)); /* fits: strerror's text in 96 */
	msg[0] = (char)tolower((unsigned char)msg[0]);
	return vps_errorx(err, e, "exec %s: %s", a, msg);
}

int vps_child_find_exec(const struct oci_process *p, char *out, size_t outsz, vps_err *err)
{
	if (!p->n_args || !p->args[0] || !*p->args[0])
		return vps_errorx(err, EINVAL, "process.args: empty");
	const char *a = p->args[0];
	if (strchr(a, '/')) {
		if (vps_snprintf(out, outsz, "%s", a) < 0)
			return vps_errorx(err, ENAMETOOLONG, "exec %s: path too long", a);
		struct stat sb;
		if (stat(out, &sb) < 0)
			return exec_error(err, errno, a);
		if (!S_ISREG(sb.st_mode) || !may_exec(out))
			/* engines map "permission denied" to exit 126, as runc words it */
			return vps_errorx(err, EACCES, "exec %s: permission denied", a);
		return 0;
	}
	const char *s = env_path(p);
	for (int guard = 0; guard < 256 && s; guard++) {
		const char *e = strchr(s, ':');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n && vps_snprintf(out, outsz, "%.*s/%s", (int)n, s, a) >= 0 &&
		    is_executable(out))
			return 0;
		s = e ? e + 1 : NULL;
	}
	return vps_errorx(err, ENOENT, "exec \"%s\": executable file not found in $PATH", a);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int vps_child_close_fds(unsigned from, const int *keep, size_t n_keep, vps_err *err)
{
	int k[64];
	size_t n = 0;
	for (size_t i = 0; i < n_keep && n < ARRAY_SIZE(k); i++)
		if (keep[i] >= (int)from)
			k[n++] = keep[i];
	qsort(k, n, sizeof(int), cmp_int);
	unsigned lo = from;
	for (size_t i = 0; i <= n; i++) {
		unsigned hi = i < n ? (unsigned)k[i] : ~0U;
		if (hi > lo && close_range(lo, hi - 1, 0) < 0)
			return vps_error(err, errno, "close_range");
		if (i < n)
			lo = (unsigned)k[i] + 1;
	}
	return 0;
}

void vps_child_reset_affinity(void)
{
	/* every CPU: the kernel keeps those of the cgroup's cpuset */
	cpu_set_t all;
	memset(&all, 0xff, sizeof(all));
	if (sched_setaffinity(0, sizeof(all), &all) < 0)
		log_debug("reset CPU affinity: %s", strerror(errno));
}

int vps_child_fds(unsigned preserve_fds, const int *keep, size_t n_keep, vps_err *err)
{
	/* Every fd above the preserved ones closes on exec, whatever opened it. */
	if (close_range(3 + preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return vps_error(err, errno, "close_range");
	for (unsigned fd = 3; fd < 3 + preserve_fds; fd++) {
		bool ours = false;
		for (size_t k = 0; k < n_keep; k++)
			ours |= keep[k] == (int)fd;
		int fl = fcntl((int)fd, F_GETFD);
		if (fl < 0)
			continue;
		fcntl((int)fd, F_SETFD, ours ? (fl | FD_CLOEXEC) : (fl & ~FD_CLOEXEC));
	}
	return 0;
}

void vps_child_home(const struct oci_process *p, char *out, size_t outsz)
{
	out[0] = '\0';
	const char *set = env_last(p->env, p->n_env, "HOME", 4);
	if (set && *set) /* an empty HOME is no HOME: the user's, as runc */
		return;
	vps_err ignore; /* as runc: an unreadable /etc/passwd is a user without entry */
	char *home = NULL;
	int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd >= 0)
		vps_users_home(rootfd, p->user.uid, &home, &ignore);
	if (rootfd >= 0)
		close(rootfd);
	if (vps_snprintf(out, outsz, "HOME=%s", home ? home : "/") < 0)
		vps_snprintf(out, outsz, "HOME=/"); /* fits: "HOME=/" */
	free(home);
}

/* ENV as the process gets it (runc's rule): a name set twice keeps its last
 * value at its last place; an empty HOME is left out (vps_child_home gives
 * one). OUT has room for N; returns how many it holds. */
static size_t env_dedup(char *const *env, size_t n, char **out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(env[i], '=');
		size_t len = eq ? (size_t)(eq - env[i]) : strlen(env[i]);
		bool later = false;
		for (size_t j = i + 1; j < n && !later; j++)
			later = strncmp(env[j], env[i], len) == 0 &&
				(env[j][len] == '=' || env[j][len] == '\0');
		if (!later && strcmp(env[i], "HOME=") != 0)
			out[k++] = env[i];
	}
	return k;
}

char **vps_child_envp(const struct oci_process *p, const char *extra_env)
{
	char **envp = calloc(p->n_env + 2, sizeof(char *));
	if (!envp)
		return NULL;
	size_t n_env = env_dedup(p->env, p->n_env, envp);
	if (*extra_env)
		envp[n_env] = (char *)extra_env;
	return envp;
}

_Noreturn void vps_child_exec(const char *path, const struct oci_process *p, const char *extra_env,
			      int report_fd, int (*before_exec)(void *arg, vps_err *err), void *arg)
{
	vps_err err;
	char **argv = calloc(p->n_args + 1, sizeof(char *));
	char **envp = vps_child_envp(p, extra_env);
	if (!argv || !envp) {
		vps_error(&err, ENOMEM, "exec \"%s\"", p->args[0]);
		goto fail;
	}
	memcpy(argv, p->args, p->n_args * sizeof(char *));
	if (before_exec && before_exec(arg, &err) < 0)
		goto fail;
	execve(path, argv, envp);
	exec_error(&err, errno, p->args[0]);
fail:
	vps_sync_send_err(report_fd, &err);
	_exit(127);
}
