/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test driver for the VM internals without the lifecycle: boots ROOTFS in a VM
 * with a spec built here (no config.json), runs ARGS, prints nothing itself and
 * exits with the guest process's status.
 *   vm_run STATE_ROOT ROOTFS [-t] [-m MIB] [-x EXEC_ARG] [-X EXEC_ARG]... -- ARGS...
 * With -x, after boot it execs EXEC_ARG (sh -c) first, then starts the main
 * process. Each -X execs its EXEC_ARG after the start, in order, while the main
 * process runs (or after it exited): "exec status N" or "exec failed: MSG" on
 * stderr, and vm_run goes on to wait for the main process. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/vm/vm.h"

/* sh -c CMD in the VM; its status (or why it failed) on stderr. */
static int exec_sh(const char *dir, const char *cmd, char **env, vps_err *err)
{
	char *xa[] = {"/bin/sh", "-c", (char *)cmd, NULL};
	struct oci_process xp = {.args = xa, .n_args = 3, .env = env, .n_env = 2, .cwd = "/"};
	int xs = -1;
	int r = vps_vm_exec(dir, &xp, &xs, err);
	if (r == 0)
		fprintf(stderr, "exec status %d\n", xs);
	return r;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: vm_run STATE_ROOT ROOTFS [-t] [-m MIB] [-x CMD] [-X "
				"CMD]... -- ARGS...\n");
		return 2;
	}
	const char *root = argv[1], *rootfs = argv[2], *xcmd = NULL, *after[8];
	size_t n_after = 0;
	struct oci_process proc = {.cwd = "/"};
	struct oci_spec spec = {
	    .root_path = (char *)rootfs, .process = &proc, .hostname = "vmtest"};
	char *env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL};
	proc.env = env, proc.n_env = 2;
	char *o_proc[] = {"nosuid", "noexec", "nodev"}, *o_dev[] = {"nosuid", "mode=755"};
	char *o_pts[] = {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"};
	struct oci_mount mounts[] = {
	    {.destination = "/proc",
	     .type = "proc",
	     .source = "proc",
	     .options = o_proc,
	     .n_options = 3},
	    {.destination = "/dev",
	     .type = "tmpfs",
	     .source = "tmpfs",
	     .options = o_dev,
	     .n_options = 2},
	    {.destination = "/dev/pts",
	     .type = "devpts",
	     .source = "devpts",
	     .options = o_pts,
	     .n_options = 5},
	};
	spec.mounts = mounts, spec.n_mounts = 3;
	int i = 3;
	for (; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-t"))
			proc.terminal = true;
		else if (!strcmp(argv[i], "-m") && i + 1 < argc) {
			spec.has_linux = spec.lx.has_resources = spec.lx.resources.has_memory =
			    true;
			spec.lx.resources.memory.limit.set = true;
			spec.lx.resources.memory.limit.v = atoll(argv[++i]) << 20;
		} else if (!strcmp(argv[i], "-x") && i + 1 < argc)
			xcmd = argv[++i];
		else if (!strcmp(argv[i], "-X") && i + 1 < argc && n_after < 8)
			after[n_after++] = argv[++i];
	}
	if (i >= argc - 1)
		return 2;
	proc.args = argv + i + 1;
	proc.n_args = (size_t)(argc - i - 1);
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/vmtest", root);
	mkdir(root, 0700);
	mkdir(dir, 0700);
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY);
	vps_err err = {0};
	struct vps_vm_handle h;
	int st = -1;
	struct vps_vm_run_opts o = {
	    .root = root, .id = "vmtest", .bundle = "/", .spec = &spec, .dir = dir, .dirfd = dirfd};
	if (vps_vm_create(&o, &h, &err) < 0)
		goto fail;
	if (xcmd && exec_sh(dir, xcmd, env, &err) < 0)
		goto fail;
	if (vps_vm_start(dir, &err) < 0)
		goto fail;
	for (size_t k = 0; k < n_after; k++) {
		vps_err xe = {0};
		if (exec_sh(dir, after[k], env, &xe) < 0)
			fprintf(stderr, "exec failed: %s\n", xe.msg);
	}
	if (vps_vm_wait(dir, &h, &st, &err) < 0)
		goto fail;
	return st;
fail:
	fprintf(stderr, "vm_run: %s\n", err.msg);
	return 125;
}
