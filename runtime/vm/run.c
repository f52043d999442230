/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VM flows the lifecycle dispatches to: boot (create), wait in the
 * foreground (run), and the one-line description for --version/features. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs/disk.h"
#include "runtime/runtime.h"
#include "runtime/vm/vm.h"
#include "specs/bundle.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/log.h"

/* org.vps.disk: the image opened, locked and checked (rootfs/disk.c); -1: none */
static int open_disk(const struct vps_vm_run_opts *o, int *fd, vps_err *err)
{
	const char *name = oci_annotation(o->spec, VPS_ANN_DISK);
	char image[PATH_MAX];
	*fd = -1;
	if (!name)
		return 0;
	if (!*name || strchr(name, '/') ||
	    vps_snprintf(image, sizeof(image), "%s/%s", o->bundle, name) < 0)
		return vps_errorx(err, EINVAL,
				  "config.json: .annotations[\"%s\"]: expected a file name in the "
				  "bundle directory, got \"%s\"",
				  VPS_ANN_DISK, name);
	return vps_disk_open(image, !o->incoming, fd, err); /* incoming: a live copy */
}

/* Spawn QEMU (restoring a snapshot when l->state_fd is set) and hand the guest
 * its configuration; on failure QEMU is gone. */
static int launch(const struct vps_vm_run_opts *o, const struct vps_vm_launch *l, const char *conf,
		  size_t len, struct vps_vm_handle *h, vps_err *err)
{
	vps_vm_mark("spawn QEMU");
	int r = vps_vm_spawn(l, &h->pid, err);
	if (r < 0)
		return r;
	vps_vm_mark("QEMU exec'd");
	if (l->state_fd >= 0)
		r = vps_vm_snapshot_resume(o->dir, err);
	if (r == 0)
		r = vps_vm_wait_ready(o->dir, h->pid, conf, len, l->state_fd >= 0,
				      l->state_fd >= 0 ? 20 : 120, err);
	vps_vm_mark("guest configured, agent ready");
	if (r < 0) {
		kill(h->pid, SIGKILL);
		waitpid(h->pid, NULL, 0);
		h->pid = 0;
		vps_vm_oom_explain(o->cg, o->spec, l->accel, err);
	}
	return r;
}

/* A restore or an incoming migration that failed: QEMU's last complaint
 * (vm-qemu.log, see qemu.c) goes into the one-line notice. */
void vps_vm_qemu_said(int dirfd, vps_err *err)
{
	_cleanup_free_ char *s = NULL;
	size_t len = 0;
	if (vps_read_file_at(dirfd, "vm-qemu.log", 1 << 16, &s, &len, NULL) < 0 || !len)
		return;
	s[strcspn(s, "\n")] = '\0'; /* the first line says why: "qemu-system-x86_64: ..." */
	const char *why = strstr(s, ": ") ? strstr(s, ": ") + 2 : s;
	char was[sizeof(err->msg)];
	vps_snprintf(was, sizeof(was), "%s", err->msg); /* fits: a copy of the same size */
	vps_errorx(err, err->code, "%s (QEMU: %.200s)", was, why);
}

/* Start from the shape's snapshot (built first if there is none). A snapshot
 * that does not restore is dropped; the caller then boots cold. */
static int from_snapshot(const struct vps_vm_run_opts *o, const struct vps_vm_launch *cold,
			 const char *conf, size_t len, struct vps_vm_handle *h, vps_err *err)
{
	/* static: off the stack (vps is single-threaded) */
	static char dir[PATH_MAX], ram[PATH_MAX + 8], initrd[PATH_MAX + 16], state[PATH_MAX + 8];
	bool built;
	vps_vm_mark("kernel, accelerator, configuration");
	int r = vps_vm_snapshot_ensure(cold, dir, &built, err);
	if (r < 0)
		return r;
	vps_vm_mark(built ? "snapshot built" : "snapshot found");
	vps_snprintf(ram, sizeof(ram), "%s/ram", dir); /* fits: dir is shorter than PATH_MAX */
	/* fits: dir is shorter than PATH_MAX */
	vps_snprintf(initrd, sizeof(initrd), "%s/vm-initramfs", dir);
	/* fits: dir is shorter than PATH_MAX */
	vps_snprintf(state, sizeof(state), "%s/state", dir);
	_cleanup_close_ int fd = open(state, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "vm: snapshot %s", state);
	struct vps_vm_launch l = *cold;
	l.initrd = initrd, l.mem_path = ram, l.mem_share = false, l.qmp = true, l.state_fd = fd;
	r = launch(o, &l, conf, len, h, err);
	if (r < 0 && err->code != ENOMEM) { /* the OOM killer: the limit's fault, not the file's */
		vps_vm_snapshot_drop(dir);
		vps_vm_qemu_said(o->dirfd, err);
	} else
		vps_snprintf(h->start, sizeof(h->start), "%s", /* fits: "snapshot-built" in 16 */
			     built ? "snapshot-built" : "snapshot");
	log_debug("vm: start from snapshot %s%s: %s", dir, built ? " (built now)" : "",
		  r < 0 ? err->msg : "ok");
	return r;
}

static int boot(const struct vps_vm_run_opts *o, struct vps_vm_handle *h, int in_sock, vps_err *err)
{
	const struct oci_spec *spec = o->spec;
	struct vps_vm_kernel k;
	enum vps_vm_accel accel;
	int r = vps_vm_kernel_find(&k, err);
	uint64_t ram = 0;
	if (r == 0)
		r = vps_vm_accel(o->root, &k, &accel, err);
	if (r == 0)
		r = vps_vm_ram_mib(spec, accel, &ram, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *conf = NULL;
	size_t len = 0;
	_cleanup_close_ int disk = -1;
	r = open_disk(o, &disk, err);
	if (r == 0)
		r = vps_vm_guestconf(spec, disk >= 0, o->debug, &conf, &len, err);
	if (r < 0)
		return r;
	/* the rule of specs/bundle.h; create already checked it (oci_bundle_open) */
	_cleanup_close_ int rootfs = oci_bundle_open_rootfs(o->bundle, spec->root_path, err);
	if (rootfs < 0)
		return rootfs;
	struct vps_vm_launch l = {.dir = o->dir,
				  .rootfs_fd = rootfs,
				  .disk_fd = disk,
				  .spec = spec,
				  .kernel = &k,
				  .accel = accel,
				  .ram_mib = ram,
				  .cg = o->cg,
				  .stdin_sock = in_sock,
				  .detach = o->detach,
				  .debug = o->debug,
				  .qmp = true, /* snapshot.c, vps migrate */
				  .state_fd = -1};
	/* fits: a release of 128 and a kind of 16 in 160 */
	vps_snprintf(h->kernel, sizeof(h->kernel), "%s (%s)", k.release, k.kind);
	/* fits: an accelerator name in 8 */
	vps_snprintf(h->accel, sizeof(h->accel), "%s", vps_vm_accel_name(accel));
	if (o->incoming) /* vps migrate's destination: the state comes from the source */
		return (r = vps_vm_initramfs(o->dirfd, &k, disk >= 0, err)) < 0
			   ? r
			   : vps_vm_incoming(o, &l, h, err);
	/* a disk root too: its snapshot's virtio-blk has an empty placeholder */
	if (vps_vm_snapshot_wanted(spec, o->cold)) {
		vps_err e = {0};
		if ((r = from_snapshot(o, &l, conf, len, h, &e)) == 0)
			return 0;
		if (e.code == ENOMEM) { /* the OOM killer: a cold boot needs more */
			*err = e;
			return r;
		}
		log_warn("%s; booting without the snapshot", e.msg);
	}
	vps_snprintf(h->start, sizeof(h->start), "cold"); /* fits: "cold" in 16 */
	r = vps_vm_initramfs(o->dirfd, &k, disk >= 0, err);
	return r < 0 ? r : launch(o, &l, conf, len, h, err);
}

int vps_vm_create(const struct vps_vm_run_opts *o, struct vps_vm_handle *h, vps_err *err)
{
	const struct oci_process *p = o->spec->process;
	*h = (struct vps_vm_handle){.in_fd = -1, .tty = p && p->terminal};
	vps_vm_mark(NULL);
	if (!p)
		return vps_errorx(err, EINVAL, "config.json: .process: required");
	if (h->tty && o->detach)
		return vps_errorx(err, ENOTSUP,
				  "vm: process.terminal needs `vps run` in the "
				  "foreground (no console socket for VMs yet)");
	int sp[2] = {-1, -1};
	if (!o->detach && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return vps_error(err, errno, "vm: socketpair");
	int r = boot(o, h, sp[1], err);
	if (sp[1] >= 0)
		close(sp[1]);
	if (r < 0 && sp[0] >= 0)
		close(sp[0]);
	if (r == 0)
		h->in_fd = sp[0];
	return r;
}
int vps_vm_describe(const char *root, bool probe, char *buf, size_t cap, vps_err *err)
{
	struct vps_vm_kernel k;
	int r = probe ? vps_vm_kernel_find(&k, err) : vps_vm_kernel_locate(&k, err);
	if (r < 0)
		return r;
	char acc[64] = "kvm if usable, else tcg (not probed yet)";
	_cleanup_free_ char *cached = NULL;
	char path[PATH_MAX];
	if ((r = vps_snprintf(path, sizeof(path), "%s/vm-accel", root)) < 0)
		return vps_error(err, -r, "vm: state root %s", root);
	enum vps_vm_accel a;
	if (probe && vps_vm_accel(root, &k, &a, err) == 0)
		/* fits: an accelerator name */
		vps_snprintf(acc, sizeof(acc), "%s", vps_vm_accel_name(a));
	else if (vps_read_file_at(AT_FDCWD, path, 64, &cached, NULL, NULL) == 0)
		/* fits: accel.c writes "kvm\n" or "tcg\n" there */
		vps_snprintf(acc, sizeof(acc), "%.*s", (int)strcspn(cached, "\n"), cached);
	if (vps_snprintf(buf, cap, "kernel %s (%s, %s), accelerator %s", k.release, k.kind, k.path,
			 acc) < 0)
		return vps_errorx(err, ENAMETOOLONG, "vm: kernel %s: description too long", k.path);
	return 0;
}
