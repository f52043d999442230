/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The QEMU command line and its launch. microvm with PCIe (virtio-serial-pci:
 * its mmio variant stalls host->guest, see shared/vm/NOTES.md), PVH boot of the
 * ELF vmlinux, -nodefaults -no-reboot, 1 vCPU. QEMU runs in the state dir (short
 * relative socket paths) and gets the rootfs as an inherited fd (fd 3), so the
 * shared directory is exactly the one vps opened. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/vm/proto.h"
#include "runtime/vm/vm.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

#define MAX_ARGS 96
#define CMDLINE                                                                                    \
	"console=ttyS0 quiet loglevel=0 panic=-1 tsc=reliable no_timer_check mitigations=off "     \
	"8250.nr_uarts=1 cryptomgr.notests random.trust_cpu=on audit=0 nowatchdog rdinit=/init"

struct argv {
	char *v[MAX_ARGS + 1];
	int n;
	bool oom;
};

static void arg(struct argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg(struct argv *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (a->n >= MAX_ARGS || vasprintf(&s, fmt, ap) < 0)
		a->oom = true;
	else
		a->v[a->n++] = s;
	va_end(ap);
}

static void argv_free(struct argv *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->v[i]);
}

/* microvm under TCG hangs calibrating the clock without tsc_early_khz and lpj. */
static long host_tsc_khz(void)
{
	_cleanup_free_ char *s = NULL;
	if (vps_read_file_at(AT_FDCWD, "/proc/cpuinfo", 1 << 20, &s, NULL, NULL) < 0)
		return 0;
	const char *p = strstr(s, "cpu MHz");
	p = p ? strchr(p, ':') : NULL;
	return p ? (long)(strtod(p + 1, NULL) * 1000.0) : 0;
}

static void port(struct argv *a, const char *id, const char *name)
{
	arg(a, "-device");
	arg(a, "virtserialport,chardev=%s,name=%s", id, name);
}

/* Our stdio fd N is QEMU's fd QFD(N) (QEMU refuses -add-fd of 0-2). Output
 * fds (stdout, stderr) open write-only are handed over as they are (-add-fd: QEMU dups them, so
 * the file offset stays shared with the caller, as for a container); sockets
 * become connected socket chardevs; anything else (a tty, /dev/null) is
 * reopened through /proc/self/fd. */
#define QFD(n)	   (6 + (n))
#define DISK_FD	   QFD(3) /* the disk image, an -add-fd set of its own */
#define DISK_FD_RO QFD(4) /* the same image reopened read-only, in that set */
static void stdio_chardev(struct argv *a, const char *id, int n)
{
	struct stat st;
	int fl = fcntl(n, F_GETFL);
	arg(a, "-chardev");
	if (fl < 0 || fstat(n, &st) < 0) {
		arg(a, "file,id=%s,path=/dev/null", id);
	} else if (S_ISSOCK(st.st_mode)) {
		arg(a, "socket,id=%s,fd=%d", id, QFD(n));
	} else if ((fl & O_ACCMODE) == O_WRONLY) {
		arg(a, "file,id=%s,path=/dev/fdset/%d,append=on", id, QFD(n));
		arg(a, "-add-fd"), arg(a, "fd=%d,set=%d", QFD(n), QFD(n));
	} else {
		arg(a, "file,id=%s,path=/proc/self/fd/%d,append=on", id, QFD(n));
	}
}

static void build(struct argv *a, const struct vps_vm_launch *l)
{
	bool kvm = l->accel == VPS_VM_KVM;
	const struct oci_process *p = l->spec->process;
	long khz = kvm ? 0 : host_tsc_khz();
	arg(a, "%s", vps_vm_qemu_binary());
	arg(a, "-M"), arg(a, "microvm,pcie=on,rtc=on,pit=off,pic=off");
	arg(a, "-accel"), arg(a, kvm ? "kvm" : "tcg");
	arg(a, "-cpu"), arg(a, kvm ? "host" : "max");
	arg(a, "-smp"), arg(a, "1");
	arg(a, "-m"), arg(a, "%lluM", (unsigned long long)l->ram_mib);
	arg(a, "-nodefaults"), arg(a, "-no-reboot"), arg(a, "-no-user-config");
	arg(a, "-sandbox"), arg(a, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
				   "resourcecontrol=deny");
	arg(a, "-display"), arg(a, "none");
	arg(a, "-kernel"), arg(a, "%s", l->kernel->path);
	arg(a, "-initrd"), arg(a, "vm-initramfs");
	if (khz > 0)
		arg(a, "-append"), arg(a, CMDLINE " tsc_early_khz=%ld lpj=%ld", khz, khz * 4);
	else
		arg(a, "-append"), arg(a, CMDLINE);
	arg(a, "-serial"), arg(a, "file:vm-console.log");
	arg(a, "-device"), arg(a, "isa-debug-exit,iobase=0xf4,iosize=0x01");
	if (l->disk_fd >= 0) { /* the VPS's disk image: no host directory is shared */
		/* QEMU opens the image read-only and read-write: one fd each */
		arg(a, "-add-fd"), arg(a, "fd=%d,set=%d", DISK_FD, DISK_FD);
		arg(a, "-add-fd"), arg(a, "fd=%d,set=%d", DISK_FD_RO, DISK_FD);
		arg(a, "-drive");
		arg(a, "file=/dev/fdset/%d,if=none,id=root,format=raw,discard=unmap%s", DISK_FD,
		    l->spec->root_readonly ? ",readonly=on" : "");
		arg(a, "-device"), arg(a, "virtio-blk-pci,drive=root");
	} else {
		arg(a, "-fsdev");
		arg(a, "local,id=root,path=/proc/self/fd/3,security_model=passthrough%s",
		    l->spec->root_readonly ? ",readonly=on" : "");
		arg(a, "-device"), arg(a, "virtio-9p-pci,fsdev=root,mount_tag=vps-rootfs");
	}
	arg(a, "-device"), arg(a, "virtio-serial-pci,max_ports=8");
	arg(a, "-chardev"), arg(a, "socket,id=ctl,path=vm-ctl.sock,server=on,wait=off");
	port(a, "ctl", VPS_VM_PORT_CTL);
	arg(a, "-chardev"), arg(a, "socket,id=exec,path=vm-exec.sock,server=on,wait=off");
	port(a, "exec", VPS_VM_PORT_EXEC);
	arg(a, "-chardev"), arg(a, "file,id=status,path=vm-exit");
	port(a, "status", VPS_VM_PORT_STATUS);
	if (p && p->terminal) {
		arg(a, "-chardev"), arg(a, "socket,id=tty,fd=%d", QFD(0)); /* vps relays it */
		port(a, "tty", VPS_VM_PORT_TTY);
	} else {
		arg(a, "-chardev");
		if (l->stdin_sock >= 0) /* vps relays its stdin: EOF closes the socket */
			arg(a, "socket,id=in,fd=%d", QFD(0));
		else
			arg(a, "pipe,id=in,path=/dev/null");
		port(a, "in", VPS_VM_PORT_IN);
		stdio_chardev(a, "out", STDOUT_FILENO);
		port(a, "out", VPS_VM_PORT_OUT);
		stdio_chardev(a, "err", STDERR_FILENO);
		port(a, "err", VPS_VM_PORT_ERR);
	}
	a->v[a->n] = NULL;
}

/* PATH search in the parent: the child only execs. */
static int find_binary(const char *name, char *out, size_t cap)
{
	if (strchr(name, '/'))
		return vps_snprintf(out, cap, "%s", name) >= 0 && access(out, X_OK) == 0 ? 0
											 : -ENOENT;
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		if (vps_snprintf(out, cap, "%.*s/%s", (int)n, path, name) >= 0 &&
		    access(out, X_OK) == 0)
			return 0;
		path += n + (path[n] == ':');
	}
	return -ENOENT;
}

int vps_vm_spawn(const struct vps_vm_launch *l, pid_t *pidp, vps_err *err)
{
	char bin[PATH_MAX];
	if (find_binary(vps_vm_qemu_binary(), bin, sizeof(bin)) < 0)
		return vps_errorx(err, ENOENT, "vm: %s not found (apt-get install qemu-system-x86)",
				  vps_vm_qemu_binary());
	struct argv a = {0};
	build(&a, l);
	if (a.oom) {
		argv_free(&a);
		return vps_error(err, ENOMEM, "vm: qemu command line");
	}
	int go[2], rep[2];
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) {
		argv_free(&a);
		return vps_error(err, errno, "vm: pipe");
	}
	pid_t pid = fork();
	if (pid == 0) {
		int e = 0, r;
		char b;
		if (l->detach)
			setsid();
		bool disk = l->disk_fd >= 0;
		int share =
		    disk ? l->disk_fd : vps_vm_share_fd(l->rootfs_fd, l->spec->root_readonly);
		int rf = share < 0 ? share : fcntl(share, F_DUPFD, 10),
		    g = fcntl(go[0], F_DUPFD, 10);
		if (share < 0)
			errno = -share;
		int rp = fcntl(rep[1], F_DUPFD, 10);
		int in = l->stdin_sock >= 0 ? fcntl(l->stdin_sock, F_DUPFD, 10) : 0;
		if (rf < 0 || g < 0 || rp < 0 || in < 0 || chdir(l->dir) < 0 ||
		    dup2(rf, disk ? DISK_FD : 3) < 0 || dup2(g, 4) < 0 || dup2(rp, 5) < 0)
			e = errno;
		if (!e && fcntl(in, F_GETFD) >= 0 && dup2(in, QFD(0)) < 0)
			e = errno;
		for (int n = 1; n < 3 && !e; n++)
			if (fcntl(n, F_GETFD) >= 0 && dup2(n, QFD(n)) < 0)
				e = errno;
		/* whatever the fds below QEMU's are not QEMU's: no share at 3 with a disk */
		close(disk ? 3 : DISK_FD);
		char self[32];
		vps_snprintf(self, sizeof(self), "/proc/self/fd/%d", DISK_FD);
		int ro = disk && !e ? open(self, O_RDONLY) : -1; /* no O_CLOEXEC: QEMU's */
		if (disk && !e && (ro < 0 || dup2(ro, DISK_FD_RO) < 0))
			e = errno;
		if (ro >= 0 && ro != DISK_FD_RO)
			close(ro);
		if (!e && (syscall(SYS_close_range, QFD(5), ~0U, 0) < 0 ||
			   fcntl(5, F_SETFD, FD_CLOEXEC) < 0))
			e = errno;
		if (!e && (r = vps_vm_drop_privs()) < 0)
			e = -r;
		if (!e && read(4, &b, 1) != 1)
			_exit(1); /* the parent gave up */
		close(4);
		if (!e) {
			execv(bin, a.v);
			e = errno;
		}
		ssize_t w = write(5, &e, sizeof(e));
		(void)w;
		_exit(127);
	}
	argv_free(&a);
	close(go[0]);
	close(rep[1]);
	if (pid < 0) {
		close(go[1]), close(rep[0]);
		return vps_error(err, errno, "vm: fork");
	}
	int r = l->cg ? vps_cgroup_enter(l->cg, pid, err) : 0;
	if (r == 0 && write(go[1], "g", 1) != 1)
		r = vps_error(err, errno, "vm: release qemu");
	close(go[1]);
	int e = 0;
	if (r == 0 && read(rep[0], &e, sizeof(e)) == sizeof(e))
		r = vps_error(err, e, "vm: exec %s", bin);
	close(rep[0]);
	if (r < 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return r;
	}
	*pidp = pid;
	return 0;
}
