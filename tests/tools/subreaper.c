/* SPDX-License-Identifier: GPL-2.0-or-later */
/* subreaper CMD [ARGS...]: run CMD as a child subreaper so detached processes
 * (vps create/run -d) are reaped here instead of piling up as zombies (pid 1 on
 * the test machines never reaps). When CMD exits, remaining descendants get
 * SUBREAPER_GRACE seconds (default 5) to finish, then SIGKILL. Exits with CMD's
 * status (128+N for a signal). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void kill_children(void)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/self/task/%d/children", getpid());
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (char *s = strtok(buf, " \n"); s; s = strtok(NULL, " \n"))
		kill((pid_t)atoi(s), SIGKILL);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: subreaper CMD [ARGS...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("subreaper: prctl");
		return 2;
	}
	pid_t main_pid = fork();
	if (main_pid < 0) {
		perror("subreaper: fork");
		return 2;
	}
	if (main_pid == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "subreaper: exec %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	signal(SIGINT, SIG_IGN);
	int rc = 0, status;
	for (;;) {
		pid_t p = waitpid(-1, &status, 0);
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0)
			return 2;
		if (p == main_pid) {
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			break;
		}
	}
	const char *g = getenv("SUBREAPER_GRACE");
	time_t deadline = time(NULL) + (g ? atoi(g) : 5);
	for (;;) {
		pid_t p = waitpid(-1, &status, WNOHANG);
		if (p < 0 && errno == ECHILD)
			break;
		if (p > 0)
			continue;
		if (time(NULL) >= deadline) {
			kill_children();
			deadline = time(NULL) + 3600;
			continue;
		}
		usleep(50000);
	}
	return rc;
}
