/* exe_watch SECONDS: a static helper run INSIDE a container for the
 * CVE-2019-5736 regression test. For SECONDS it scans /proc as fast as it can
 * and, for every process other than itself and pid 1, tries to read its exe
 * link and open the binary. Prints "exposed PID TARGET" when the link of a
 * process that is not a container binary (i.e. the runtime's own, during
 * `exec`) can be read or opened; "denied N" at the end counts the attempts the
 * kernel refused (the runtime was seen but protected). Exit 0. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 5;
	time_t end = time(NULL) + secs;
	long denied = 0, exposed = 0;
	pid_t self = getpid();
	while (time(NULL) < end) {
		DIR *d = opendir("/proc");
		if (!d)
			return 1;
		struct dirent *e;
		while ((e = readdir(d))) {
			int pid = atoi(e->d_name);
			if (pid <= 1 || pid == self)
				continue;
			char path[64], target[512];
			snprintf(path, sizeof(path), "/proc/%d/exe", pid);
			ssize_t n = readlink(path, target, sizeof(target) - 1);
			if (n < 0) {
				if (errno == EACCES || errno == EPERM)
					denied++;
				continue;
			}
			target[n] = '\0';
			if (strstr(target, "busybox") || strstr(target, "exe_watch"))
				continue;
			int fd = open(path, O_RDONLY);
			printf("exposed %d %s open=%s\n", pid, target, fd >= 0 ? "ok" : "no");
			if (fd >= 0)
				close(fd);
			exposed++;
		}
		closedir(d);
	}
	printf("denied %ld\n", denied);
	return exposed ? 2 : 0;
}
