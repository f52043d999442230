/* SPDX-License-Identifier: GPL-2.0-or-later */
/* disk_resize IMAGE PID BYTES: vps_disk_resize for tests/disk.bats (PID 0: the
 * VPS is stopped). Prints "live", "next start" or "offline"; an error as
 * "disk_resize: msg" with exit status 1. */
#include <stdio.h>
#include <stdlib.h>

#include "rootfs/disk.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: disk_resize IMAGE PID BYTES\n");
		return 2;
	}
	vps_err err;
	int later;
	pid_t pid = (pid_t)atoi(argv[2]);
	if (vps_disk_resize(argv[1], pid, strtoull(argv[3], NULL, 10), &later, &err) < 0) {
		fprintf(stderr, "disk_resize: %s\n", err.msg);
		return 1;
	}
	puts(pid == 0 ? "offline" : !later ? "live" : "next start");
	return 0;
}
