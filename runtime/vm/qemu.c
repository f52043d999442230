/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The QEMU command line and its launch. microvm with PCIe (virtio-serial-pci:
 * its mmio variant stalls host->guest, see shared/vm/NOTES.md), PVH boot of the
 * ELF vmlinux, -nodefaults -no-reboot, 1 vCPU. QEMU runs in the state dir (short
 * relative socket paths) and gets the rootfs as an inherited fd (fd 3), so the
 * shared directory is exactly the one vps opened. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
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
#include "util/argv.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

#define CMDLINE                                                                                    \
	"console=ttyS0 quiet loglevel=0 panic=-1 tsc=reliable no_timer_check mitigations=off "     \
	"8250.nr_uarts=1 cryptomgr.notests random.trust_cpu=on audit=0 nowatchdog rdinit=/init"

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

static void port(struct vps_argv *a, const char *id, const char *name)
{
	vps_argv_add(a, "-device");
	vps_argv_add(a, "virtserialport,chardev=%s,name=%s", id, name);
}

/* Our stdio fd N is QEMU's fd QFD(N) (QEMU refuses -add-fd of 0-2). Output
 * fds (stdout, stderr) open write-only are handed over as they are (-add-fd: QEMU dups them, so
 * the file offset stays shared with the caller, as for a container); sockets
 * become connected socket chardevs; anything else (a tty, /dev/null) is
 * reopened through /proc/self/fd. */
#define QFD(n)	   (6 + (n))
#define DISK_FD	   QFD(3) /* the disk image, an -add-fd set of its own */
#define DISK_FD_RO QFD(4) /* the same image reopened read-only, in that set */
#define STATE_FD   QFD(5) /* restore: the snapshot's device state (migrate-incoming fd:) */
_Static_assert(STATE_FD == VPS_VM_STATE_QFD, "snapshot.c names QEMU's state fd");
static void stdio_chardev(struct vps_argv *a, const char *id, int n)
{
	struct stat st;
	int fl = fcntl(n, F_GETFL);
	vps_argv_add(a, "-chardev");
	if (fl < 0 || fstat(n, &st) < 0) {
		vps_argv_add(a, "file,id=%s,path=/dev/null", id);
	} else if (S_ISSOCK(st.st_mode)) {
		vps_argv_add(a, "socket,id=%s,fd=%d", id, QFD(n));
	} else if ((fl & O_ACCMODE) == O_WRONLY) {
		vps_argv_add(a, "file,id=%s,path=/dev/fdset/%d,append=on", id, QFD(n));
		vps_argv_add(a, "-add-fd"), vps_argv_add(a, "fd=%d,set=%d", QFD(n), QFD(n));
	} else {
		vps_argv_add(a, "file,id=%s,path=/proc/self/fd/%d,append=on", id, QFD(n));
	}
}

static void build(struct vps_argv *a, const struct vps_vm_launch *l)
{
	bool kvm = l->accel == VPS_VM_KVM;
	const struct oci_process *p = l->spec->process;
	long khz = kvm ? 0 : host_tsc_khz();
	vps_argv_add(a, "%s", vps_vm_qemu_binary());
	/* the RAM is always the backend "ram": a migration's source may be a restored
	 * VM (file-backed) and its destination a plain one; QEMU matches RAM by name */
	vps_argv_add(a, "-M"),
	    vps_argv_add(a, "microvm,pcie=on,rtc=on,pit=off,pic=off,memory-backend=ram");
	/* TCG's translation cache is bounded (QEMU 7.2's default is 1/8 of the
	 * host's RAM up to 1 GiB, filled as the guest runs new code: a Debian
	 * guest took QEMU past a 512M limit in 40 s); memory.c's overhead holds it */
	vps_argv_add(a, "-accel");
	if (kvm)
		vps_argv_add(a, "kvm");
	else
		vps_argv_add(a, "tcg,tb-size=%d", VPS_VM_TCG_TB_MIB);
	vps_argv_add(a, "-cpu"), vps_argv_add(a, kvm ? "host" : "max");
	vps_argv_add(a, "-smp"), vps_argv_add(a, "1");
	vps_argv_add(a, "-m"), vps_argv_add(a, "%lluM", (unsigned long long)l->ram_mib);
	if (l->mem_path) /* snapshot: RAM in a file (shared to save it, private to restore) */
		vps_argv_add(a, "-object"),
		    vps_argv_add(a, "memory-backend-file,id=ram,size=%lluM,mem-path=%s,share=%s",
				 (unsigned long long)l->ram_mib, l->mem_path,
				 l->mem_share ? "on" : "off");
	else
		vps_argv_add(a, "-object"), vps_argv_add(a, "memory-backend-ram,id=ram,size=%lluM",
							 (unsigned long long)l->ram_mib);
	if (l->qmp)
		vps_argv_add(a, "-qmp"), vps_argv_add(a, "unix:vm-qmp.sock,server=on,wait=off");
	if (l->mem_path && l->mem_share) /* the snapshot without "paused": a restore runs it */
		vps_argv_add(a, "-global"), vps_argv_add(a, "migration.store-global-state=off");
	if (l->state_fd >= 0 || l->incoming) /* restore: the state comes over QMP */
		vps_argv_add(a, "-incoming"), vps_argv_add(a, "defer");
	if (l->incoming) /* a migration's: paused until vps migrate says it runs here */
		vps_argv_add(a, "-S");
	vps_argv_add(a, "-nodefaults"), vps_argv_add(a, "-no-reboot"),
	    vps_argv_add(a, "-no-user-config");
	vps_argv_add(a, "-sandbox"),
	    vps_argv_add(a, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
			    "resourcecontrol=deny");
	vps_argv_add(a, "-display"), vps_argv_add(a, "none");
	vps_argv_add(a, "-kernel"), vps_argv_add(a, "%s", l->kernel->path);
	vps_argv_add(a, "-initrd"), vps_argv_add(a, "%s", l->initrd ? l->initrd : "vm-initramfs");
	if (khz > 0)
		vps_argv_add(a, "-append"),
		    vps_argv_add(a, CMDLINE " tsc_early_khz=%ld lpj=%ld", khz, khz * 4);
	else
		vps_argv_add(a, "-append"), vps_argv_add(a, CMDLINE);
	vps_argv_add(a, "-serial"), vps_argv_add(a, "file:vm-console.log");
	vps_argv_add(a, "-device"), vps_argv_add(a, "isa-debug-exit,iobase=0xf4,iosize=0x01");
	if (l->disk_fd >= 0) { /* the VPS's disk image: no host directory is shared */
		/* QEMU opens the image read-only and read-write: one fd each */
		vps_argv_add(a, "-add-fd"), vps_argv_add(a, "fd=%d,set=%d", DISK_FD, DISK_FD);
		vps_argv_add(a, "-add-fd"), vps_argv_add(a, "fd=%d,set=%d", DISK_FD_RO, DISK_FD);
		vps_argv_add(a, "-drive");
		vps_argv_add(a, "file=/dev/fdset/%d,if=none,id=root,format=raw,discard=unmap%s",
			     DISK_FD, l->spec->root_readonly ? ",readonly=on" : "");
		vps_argv_add(a, "-device"), vps_argv_add(a, "virtio-blk-pci,drive=root");
	} else {
		vps_argv_add(a, "-fsdev");
		vps_argv_add(a, "local,id=root,path=/proc/self/fd/3,security_model=passthrough%s",
			     l->spec->root_readonly ? ",readonly=on" : "");
		vps_argv_add(a, "-device"),
		    vps_argv_add(a, "virtio-9p-pci,fsdev=root,mount_tag=vps-rootfs");
	}
	vps_argv_add(a, "-device"), vps_argv_add(a, "virtio-serial-pci,max_ports=8");
	vps_argv_add(a, "-chardev"),
	    vps_argv_add(a, "socket,id=ctl,path=vm-ctl.sock,server=on,wait=off");
	port(a, "ctl", VPS_VM_PORT_CTL);
	vps_argv_add(a, "-chardev"),
	    vps_argv_add(a, "socket,id=exec,path=vm-exec.sock,server=on,wait=off");
	port(a, "exec", VPS_VM_PORT_EXEC);
	vps_argv_add(a, "-chardev"), vps_argv_add(a, "file,id=status,path=vm-exit");
	port(a, "status", VPS_VM_PORT_STATUS);
	if (p && p->terminal) {
		vps_argv_add(a, "-chardev"),
		    vps_argv_add(a, "socket,id=tty,fd=%d", QFD(0)); /* vps relays it */
		port(a, "tty", VPS_VM_PORT_TTY);
	} else {
		vps_argv_add(a, "-chardev");
		if (l->stdin_sock >= 0) /* vps relays its stdin: EOF closes the socket */
			vps_argv_add(a, "socket,id=in,fd=%d", QFD(0));
		else
			vps_argv_add(a, "pipe,id=in,path=/dev/null");
		port(a, "in", VPS_VM_PORT_IN);
		stdio_chardev(a, "out", STDOUT_FILENO);
		port(a, "out", VPS_VM_PORT_OUT);
		stdio_chardev(a, "err", STDERR_FILENO);
		port(a, "err", VPS_VM_PORT_ERR);
	}
	a->v[a->n] = NULL;
}

/* fork, born in cg's cgroup2 directory (CLONE_INTO_CGROUP) when there is one:
 * then the child joins the v1 hierarchies itself (*self), and no pid is written
 * to a cgroup.procs, whose first writer waits for an RCU grace period (cgroup.h).
 * Else a plain fork, and the parent moves the child (vps_cgroup_enter). */
static pid_t fork_into(struct vps_cgroup *cg, bool *self)
{
	int fd = cg ? vps_cgroup_v2_fd(cg) : -1;
	struct clone_args a = {
	    .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)fd};
	pid_t pid = fd < 0 ? -1 : (pid_t)syscall(SYS_clone3, &a, sizeof(a));
	*self = pid >= 0;
	return pid >= 0 ? pid : fork();
}

/* PATH search in the parent: the child only execs. */
int vps_vm_find_binary(const char *name, char *out, size_t cap)
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
	if (vps_vm_find_binary(vps_vm_qemu_binary(), bin, sizeof(bin)) < 0)
		return vps_errorx(err, ENOENT, "vm: %s not found (apt-get install qemu-system-x86)",
				  vps_vm_qemu_binary());
	struct vps_argv a = {0};
	build(&a, l);
	if (a.failed) {
		vps_argv_free(&a);
		return vps_error(err, ENOMEM, "vm: qemu command line");
	}
	int go[2], rep[2];
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) {
		vps_argv_free(&a);
		return vps_error(err, errno, "vm: pipe");
	}
	bool self;
	pid_t pid = fork_into(l->cg, &self);
	if (pid == 0) {
		int e = 0, r;
		char b;
		if (l->detach)
			setsid();
		/* the v1 hierarchies: joined by this thread itself (cgroup.h says why) */
		if (self && (r = vps_cgroup_enter_self(l->cg, &(vps_err){0})) < 0)
			e = -r;
		bool disk = l->disk_fd >= 0;
		int share =
		    disk ? l->disk_fd : vps_vm_share_fd(l->rootfs_fd, l->spec->root_readonly);
		int rf = share < 0 ? share : fcntl(share, F_DUPFD, 10),
		    g = fcntl(go[0], F_DUPFD, 10);
		if (share < 0)
			errno = -share;
		int rp = fcntl(rep[1], F_DUPFD, 10);
		int sf =
		    l->state_fd >= 0 ? fcntl(l->state_fd, F_DUPFD, 16) : -1; /* above targets */
		int in = l->stdin_sock >= 0 ? fcntl(l->stdin_sock, F_DUPFD, 10) : 0;
		if (rf < 0 || g < 0 || rp < 0 || in < 0 || chdir(l->dir) < 0 ||
		    dup2(rf, disk ? DISK_FD : 3) < 0 || dup2(g, 4) < 0 || dup2(rp, 5) < 0)
			e = errno;
		if (!e && fcntl(in, F_GETFD) >= 0 && dup2(in, QFD(0)) < 0)
			e = errno;
		for (int n = 1; n < 3 && !e; n++)
			if (fcntl(n, F_GETFD) >= 0 && dup2(n, QFD(n)) < 0)
				e = errno;
		if (!e && (l->state_fd >= 0 || l->incoming)) { /* QEMU's complaints to a file */
			int lf =
			    open("vm-qemu.log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			if (lf < 0 || dup2(lf, STDERR_FILENO) < 0)
				e = errno;
			if (lf > STDERR_FILENO)
				close(lf);
		}
		/* whatever the fds below QEMU's are not QEMU's: no share at 3 with a disk */
		close(disk ? 3 : DISK_FD);
		struct vps_fdpath self;
		/* no O_CLOEXEC: QEMU's */
		int ro = disk && !e ? open(vps_fdpath(&self, DISK_FD), O_RDONLY) : -1;
		if (disk && !e && (ro < 0 || dup2(ro, DISK_FD_RO) < 0))
			e = errno;
		if (ro >= 0 && ro != DISK_FD_RO)
			close(ro);
		if (!e && l->state_fd >= 0 && (sf < 0 || dup2(sf, STATE_FD) < 0))
			e = errno;
		if (!disk)
			close(DISK_FD_RO);
		if (l->state_fd < 0)
			close(STATE_FD);
		if (!e && (syscall(SYS_close_range, QFD(6), ~0U, 0) < 0 ||
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
	vps_argv_free(&a);
	close(go[0]);
	close(rep[1]);
	if (pid < 0) {
		close(go[1]), close(rep[0]);
		return vps_error(err, errno, "vm: fork");
	}
	int r = l->cg && !self ? vps_cgroup_enter(l->cg, pid, err) : 0;
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
