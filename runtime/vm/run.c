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
	return vps_disk_open(image, fd, err);
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
		r = vps_vm_guestconf(spec, &k, disk >= 0, o->debug, &conf, &len, err);
	if (r == 0)
		r = vps_vm_initramfs(o->dirfd, &k, disk >= 0, conf, len, err);
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
				  .debug = o->debug};
	vps_snprintf(h->kernel, sizeof(h->kernel), "%s (%s)", k.release, k.kind);
	vps_snprintf(h->accel, sizeof(h->accel), "%s", vps_vm_accel_name(accel));
	r = vps_vm_spawn(&l, &h->pid, err);
	if (r < 0)
		return r;
	r = vps_vm_wait_ready(o->dir, h->pid, err);
	if (r < 0) {
		kill(h->pid, SIGKILL);
		waitpid(h->pid, NULL, 0);
		h->pid = 0;
		vps_vm_oom_explain(o->cg, spec, accel, err);
	}
	return r;
}

int vps_vm_create(const struct vps_vm_run_opts *o, struct vps_vm_handle *h, vps_err *err)
{
	const struct oci_process *p = o->spec->process;
	*h = (struct vps_vm_handle){.in_fd = -1, .tty = p && p->terminal};
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
		vps_snprintf(acc, sizeof(acc), "%s", vps_vm_accel_name(a));
	else if (vps_read_file_at(AT_FDCWD, path, 64, &cached, NULL, NULL) == 0)
		vps_snprintf(acc, sizeof(acc), "%.*s", (int)strcspn(cached, "\n"), cached);
	if (vps_snprintf(buf, cap, "kernel %s (%s, %s), accelerator %s", k.release, k.kind, k.path,
			 acc) < 0)
		return vps_errorx(err, ENAMETOOLONG, "vm: kernel %s: description too long", k.path);
	return 0;
}
