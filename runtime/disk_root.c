/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the host finds the files of a VPS whose root is a disk image (the
 * bundle's rootfs directory is only its empty mount point): a running VPS's
 * filesystem mounted a second time, detached, from its loop device (same
 * superblock; not its init's /proc/PID/root, which a mapped VPS sees through
 * an idmap that host root is not in), a stopped one's image checked and
 * mounted detached (rootfs/disk.c). Never attached to the host's mount table.
 * Either is handed out as the path /proc/self/fd/N of an fd the caller holds. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
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

int vps_disk_image_path(const char *bundle, const char *name, char *image, size_t cap, vps_err *err)
{
	image[0] = 0;
	if (!name)
		return 0;
	if (!*name || strchr(name, '/') || !strcmp(name, "..") ||
	    vps_snprintf(image, cap, "%s/%s", bundle, name) < 0)
		return vps_errorx(err, EINVAL,
				  "config.json: .annotations[\"%s\"]: bad value \"%s\"",
				  VPS_ANN_DISK, name);
	return 0;
}

int vps_disk_root_running(const struct vps_state *st, char *path, size_t cap, int *hold,
			  vps_err *err)
{
	char image[PATH_MAX];
	*hold = -1;
	path[0] = 0;
	int r = vps_disk_image_path(st->bundle,
				    oci_kv_get(st->annotations, st->n_annotations, VPS_ANN_DISK),
				    image, sizeof(image), err);
	if (r < 0 || !image[0])
		return r;
	/* the filesystem the VPS has, without the idmap a mapped VPS's root has */
	int fd;
	if ((r = vps_disk_mount_running(image, &fd, err)) < 0)
		return r;
	return hand_out(fd, path, cap, hold);
}

int vps_disk_root_stopped(const char *bundle, const struct oci_spec *spec, char *path, size_t cap,
			  int *hold, vps_err *err)
{
	*hold = -1;
	path[0] = 0;
	char image[PATH_MAX];
	int r = vps_disk_image_path(bundle, oci_annotation(spec, VPS_ANN_DISK), image,
				    sizeof(image), err);
	if (r < 0 || !image[0])
		return r;
	int fd;
	if ((r = vps_disk_mount(image, true, &fd, err)) < 0)
		return r;
	return hand_out(fd, path, cap, hold);
}
