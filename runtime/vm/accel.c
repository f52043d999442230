/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KVM or TCG. /dev/kvm can exist and still be unable to run a real kernel (a
 * nested KVM here hangs), so the probe boots the guest kernel under KVM with
 * no initramfs: a working KVM reaches the "no root" panic and QEMU exits
 * (panic=-1, -no-reboot) well within the time limit. Cached per state root. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/vm/vm.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/log.h"

#define PROBE_MS   6000
#define CACHE_NAME "vm-accel"

const char *vps_vm_accel_name(enum vps_vm_accel a)
{
	return a == VPS_VM_KVM ? "kvm" : "tcg";
}

const char *vps_vm_qemu_binary(void)
{
	const char *q = getenv("VPS_QEMU");
	return q && *q ? q : "qemu-system-x86_64";
}

static bool kvm_boots(const struct vps_vm_kernel *k)
{
	if (access("/dev/kvm", R_OK | W_OK) < 0)
		return false;
	char *argv[] = {(char *)vps_vm_qemu_binary(),
			"-M",
			"microvm",
			"-accel",
			"kvm",
			"-cpu",
			"host",
			"-m",
			"128M",
			"-smp",
			"1",
			"-nodefaults",
			"-no-reboot",
			"-display",
			"none",
			"-kernel",
			(char *)k->path,
			"-append",
			"panic=-1 quiet loglevel=0 console=none",
			NULL};
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0), dup2(null, 1), dup2(null, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	bool exited = pidfd >= 0 && poll(&p, 1, PROBE_MS) == 1;
	if (!exited)
		kill(pid, SIGKILL);
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (pidfd >= 0)
		close(pidfd);
	return exited && WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
}

int vps_vm_accel(const char *root, const struct vps_vm_kernel *k, enum vps_vm_accel *out,
		 vps_err *err)
{
	const char *force = getenv("VPS_VM_ACCEL");
	if (force && *force) {
		if (strcmp(force, "kvm") && strcmp(force, "tcg"))
			return vps_errorx(err, EINVAL,
					  "VPS_VM_ACCEL: expected kvm or tcg, got \"%s\"", force);
		*out = strcmp(force, "kvm") == 0 ? VPS_VM_KVM : VPS_VM_TCG;
		return 0;
	}
	int r = vps_mkdir_p(root, 0711, err);
	if (r < 0)
		return r;
	_cleanup_close_ int rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return vps_error(err, errno, "open state root %s", root);
	_cleanup_free_ char *cached = NULL;
	if (vps_read_file_at(rfd, CACHE_NAME, 64, &cached, NULL, NULL) == 0) {
		*out = strncmp(cached, "kvm", 3) == 0 ? VPS_VM_KVM : VPS_VM_TCG;
		return 0;
	}
	*out = kvm_boots(k) ? VPS_VM_KVM : VPS_VM_TCG;
	if (*out == VPS_VM_TCG)
		log_warn("vm: KVM cannot run a guest here (/dev/kvm missing or unusable); "
			 "using TCG emulation (slower)");
	const char *v = *out == VPS_VM_KVM ? "kvm\n" : "tcg\n";
	vps_err e2 = {0};
	if (vps_write_atomic_at(rfd, CACHE_NAME, v, 4, 0644, (uid_t)-1, (gid_t)-1, &e2) < 0)
		log_debug("vm: cannot cache the accelerator: %s", e2.msg);
	return 0;
}
