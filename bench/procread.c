/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procread FILE [N]: what one whole read of a /proc file costs (issue 18).
 * Opens, reads to the end and closes FILE N times (default 10000) and prints
 *   FILE reads=N us_per_read=X
 * Built static so it runs unchanged inside a busybox VPS, where FILE may be
 * an lxcfs bind, and on the host, for the ratio. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: procread FILE [N]\n");
		return 2;
	}
	long n = argc > 2 ? atol(argv[2]) : 10000;
	static char buf[1 << 16];
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(argv[1]);
			return 1;
		}
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double us = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / 1e3;
	printf("%s reads=%ld us_per_read=%.2f\n", argv[1], n, us / (double)n);
	return 0;
}
