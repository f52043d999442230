/* SPDX-License-Identifier: GPL-2.0-or-later */
/* floor ROOTFS CMD [ARGS...]: the lower bound of a container start. New mount,
 * UTS, IPC, network and PID namespaces (one unshare), fork, chroot into ROOTFS,
 * exec CMD, wait; exits with CMD's status. No cgroup, no pivot_root, no mounts:
 * what any runtime must pay at least, besides its own work. */
#include <sched.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: floor ROOTFS CMD [ARGS...]\n");
		return 2;
	}
	if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID) < 0) {
		perror("floor: unshare");
		return 1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("floor: fork");
		return 1;
	}
	if (pid == 0) {
		if (chroot(argv[1]) < 0 || chdir("/") < 0) {
			perror("floor: chroot");
			_exit(1);
		}
		execv(argv[2], argv + 2);
		perror("floor: exec");
		_exit(127);
	}
	int status;
	if (waitpid(pid, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
