/* SPDX-License-Identifier: GPL-2.0-or-later */
/* timeit [-n COUNT] [-j PAR] [-o] -- CMD [ARGS...]
 *
 * The benchmark's stopwatch. Runs CMD COUNT times (default 1), at most PAR at
 * once (default 1), with every "{}" in an argument replaced by the run's index,
 * and prints one line:
 *   wall_us=W user_us=U sys_us=S maxrss_kb=R failed=F
 * W is the wall time of the whole batch (fork of the first to reaping of the
 * last), U and S the CPU time of the reaped processes and of every descendant
 * they reaped themselves (wait4 rusage), R the largest peak RSS among them and
 * F how many exited non-zero. The children's stdout goes to /dev/null unless -o;
 * stderr is inherited. Exit status 0 when every run succeeded, 1 otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 64
#define ARG_LEN	 512

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Copy SRC into DST (size ARG_LEN) with "{}" replaced by IDX. */
static void subst(char *dst, const char *src, int idx)
{
	size_t o = 0;
	for (const char *s = src; *s && o < ARG_LEN - 16; s++) {
		if (s[0] == '{' && s[1] == '}') {
			o += (size_t)snprintf(dst + o, ARG_LEN - o, "%d", idx);
			s++;
		} else {
			dst[o++] = *s;
		}
	}
	dst[o] = '\0';
}

static pid_t spawn(char **tmpl, int argc, int idx, int keep_stdout)
{
	static char buf[MAX_ARGS][ARG_LEN];
	char *argv[MAX_ARGS + 1];
	for (int i = 0; i < argc; i++) {
		subst(buf[i], tmpl[i], idx);
		argv[i] = buf[i];
	}
	argv[argc] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		if (!keep_stdout) {
			int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
			if (fd >= 0)
				dup2(fd, 1);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "timeit: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

int main(int argc, char **argv)
{
	int count = 1, par = 1, keep_stdout = 0, opt;
	while ((opt = getopt(argc, argv, "+n:j:o")) != -1) {
		switch (opt) {
		case 'n':
			count = atoi(optarg);
			break;
		case 'j':
			par = atoi(optarg);
			break;
		case 'o':
			keep_stdout = 1;
			break;
		default:
			goto usage;
		}
	}
	int nargs = argc - optind;
	if (nargs < 1 || nargs > MAX_ARGS || count < 1 || par < 1 || par > 256)
		goto usage;

	long long user = 0, sys = 0, maxrss = 0, t0 = now_us();
	int started = 0, running = 0, failed = 0;
	while (started < count || running > 0) {
		while (started < count && running < par) {
			if (spawn(argv + optind, nargs, started, keep_stdout) < 0) {
				perror("timeit: fork");
				return 2;
			}
			started++;
			running++;
		}
		int status;
		struct rusage ru;
		pid_t p = wait4(-1, &status, 0, &ru);
		if (p < 0) {
			if (errno == EINTR)
				continue;
			perror("timeit: wait4");
			return 2;
		}
		running--;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
		user += ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec;
		sys += ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec;
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
	}
	long long wall = now_us() - t0;
	printf("wall_us=%lld user_us=%lld sys_us=%lld maxrss_kb=%lld failed=%d\n", wall, user, sys,
	       maxrss, failed);
	return failed ? 1 : 0;
usage:
	fprintf(stderr, "usage: timeit [-n COUNT] [-j PAR] [-o] -- CMD [ARGS...]\n");
	return 2;
}
