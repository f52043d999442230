/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the host finds the files of a VPS whose root is a disk image (the
 * bundle's rootfs directory is only its empty mount point): a running VPS's
 * root is its init's /proc/PID/root (opened, then the pid checked against
 * reuse), a stopped one's is its image mounted detached (rootfs/disk.c), never
 * attached to the host's mount table. Either is handed out as the path
 * /proc/self/fd/N of an fd the caller holds. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs/disk.h"
#include "runtime/internal.h"
#include "runtime/runtime.h"
#include "util/cleanup.h"
#include "util/fmt.h"

static int hand_out(int fd, char *path, size_t cap, int *hold)
{
	*hold = fd;
	return vps_snprintf(path, cap, "/proc/self/fd/%d", fd) < 0 ? -ENAMETOOLONG : 0;
}

int vps_disk_root_running(const struct vps_state *st, char *path, size_t cap, int *hold,
			  vps_err *err)
{
	*hold = -1;
	path[0] = 0;
	if (!oci_kv_get(st->annotations, st->n_annotations, VPS_ANN_DISK))
		return 0;
	_cleanup_close_ int pidfd = -1;
	int r = vps_state_pidfd(st, &pidfd, err);
	if (r < 0)
		return vps_error_wrap(err, "the VPS's disk is reached through its init");
	char proc[64];
	vps_snprintf(proc, sizeof(proc), "/proc/%d/root", (int)st->pid);
	_cleanup_close_ int fd = open(proc, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "open %s", proc);
	/* the pid was still ours when we opened its root */
	if (syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0)
		return vps_error(err, errno, "the VPS's init went away");
	return hand_out(take_fd(fd), path, cap, hold);
}

int vps_disk_root_stopped(const char *bundle, const struct oci_spec *spec, char *path, size_t cap,
			  int *hold, vps_err *err)
{
	*hold = -1;
	path[0] = 0;
	const char *name = oci_annotation(spec, VPS_ANN_DISK);
	char image[PATH_MAX];
	if (!name)
		return 0;
	if (strchr(name, '/') || vps_snprintf(image, sizeof(image), "%s/%s", bundle, name) < 0)
		return vps_errorx(err, EINVAL,
				  "config.json: .annotations[\"%s\"]: bad value \"%s\"",
				  VPS_ANN_DISK, name);
	int fd;
	int r = vps_disk_mount(image, true, &fd, err);
	if (r < 0)
		return r;
	return hand_out(fd, path, cap, hold);
}
