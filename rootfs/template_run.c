/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running the helper tools of templates (debootstrap, tar, cp) with their
 * output captured for the error message. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs/template.h"
#include "util/cleanup.h"

extern char **environ;

#define OUT_TAIL     600
#define LINE_MAX_OUT 255

int vps_tmpl_run(char *const argv[], vps_err *err)
{
	return vps_tmpl_run_fd(argv, -1, -1, err);
}

int vps_tmpl_run_fd(char *const argv[], int fd, int as, vps_err *err)
{
	return vps_tmpl_run_lines(argv, fd, as, NULL, NULL, err);
}

/* Hand each complete line of got bytes to cb (a line longer than the buffer
 * is cut); *len is what is left of an unfinished line. */
static void feed_lines(char *line, size_t *len, const char *got, size_t n,
		       void (*cb)(void *, const char *), void *arg)
{
	for (size_t i = 0; i < n; i++) {
		if (got[i] != '\n' && *len < LINE_MAX_OUT) {
			line[(*len)++] = got[i];
			continue;
		}
		line[*len] = '\0';
		if (*len)
			cb(arg, line);
		*len = 0;
		if (got[i] != '\n')
			line[(*len)++] = got[i];
	}
}

int vps_tmpl_run_lines(char *const argv[], int fd, int as, void (*line_cb)(void *, const char *),
		       void *arg, vps_err *err)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return vps_error(err, errno, "run %s", argv[0]);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (as != 0)
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, fd, as); /* dup2 clears O_CLOEXEC */
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
	pid_t pid;
	int r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (r != 0) {
		close(pfd[0]);
		return vps_error(err, r, "run %s", argv[0]);
	}
	char tail[OUT_TAIL + 1] = "";
	size_t n = 0;
	char buf[4096], line[LINE_MAX_OUT + 1];
	size_t line_len = 0;
	ssize_t got;
	while ((got = read(pfd[0], buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		if (line_cb)
			feed_lines(line, &line_len, buf, (size_t)got, line_cb, arg);
		/* keep the last OUT_TAIL bytes */
		size_t g = (size_t)got > OUT_TAIL ? OUT_TAIL : (size_t)got;
		const char *src = buf + got - g;
		if (n + g > OUT_TAIL) {
			memmove(tail, tail + (n + g - OUT_TAIL), OUT_TAIL - g);
			n = OUT_TAIL - g;
		}
		memcpy(tail + n, src, g);
		n += g;
	}
	close(pfd[0]);
	tail[n] = '\0';
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return vps_error(err, errno, "wait for %s", argv[0]);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	while (n && (tail[n - 1] == '\n' || tail[n - 1] == ' '))
		tail[--n] = '\0';
	const char *last = tail + n;
	for (int lines = 0; lines < 3 && last > tail;)
		lines += *--last == '\n';
	last += *last == '\n';
	return vps_errorx(err, EIO, "%s failed (%s %d): %s", argv[0],
			  WIFEXITED(st) ? "exit status" : "signal",
			  WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), last);
}
