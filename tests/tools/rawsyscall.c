/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rawsyscall NR: issue syscall NR with no arguments and print "errno N" (0
 * when it returned >= 0). Static, to run inside a busybox rootfs under a
 * seccomp profile that allows little more than a shell. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: rawsyscall NR\n");
		return 2;
	}
	long r = syscall(strtol(argv[1], NULL, 0), 0, 0, 0, 0, 0, 0);
	printf("errno %d\n", r < 0 ? errno : 0);
	return 0;
}
