/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VPS's disk: an ext4 image mounted as its root (rootfs/disk.c, disk_make.c). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/err.h"

/* annotation org.vps.disk: the image's file name in the bundle dir */
#define VPS_ANN_DISK  "org.vps.disk"
#define VPS_DISK_FILE "disk.img"
#define VPS_DISK_MIN  (16ULL << 20) /* below this mkfs.ext4 has no room */

/* bundle_dir/disk.img of size bytes (sparse), made from the tree in rootfs
 * (mkfs.ext4 -d, owners kept), then rootfs emptied to be the mount point.
 * On failure nothing new is left. */
int vps_disk_create(const char *bundle_dir, const char *rootfs, uint64_t size, vps_err *err);

/* At create: lock, refuse an image a loop device holds, e2fsck (repair with
 * -p), grow the filesystem to the image's size if the image grew, attach a
 * loop device and make a detached ext4 mount; *mnt_fd is its fd. */
int vps_disk_mount(const char *image, bool nosuid, int *mnt_fd, vps_err *err);

/* The first half of that: the image opened O_RDWR, locked (the lock stays
 * with this open file: a loop device or QEMU given it keeps it), not in use,
 * and with check its filesystem checked and grown to the file's size. For a
 * VM's virtio-blk; without check for a migration's incoming VM, whose image
 * is a copy of a disk still mounted in the running source. */
int vps_disk_open(const char *image, bool check, int *fd, vps_err *err);

/* A second detached mount of the filesystem a running VPS has mounted from
 * image (the same superblock, through its loop device): no idmap, no lock,
 * no check. For the host's own edits (the account commands). */
int vps_disk_mount_running(const char *image, int *mnt_fd, vps_err *err);
/* A detached ext4 mount of block device dev (nodev; nosuid if asked). */
int vps_disk_mount_dev(const char *dev, bool nosuid, vps_err *err);

/* e2fsck -f -n, repairing with -p if needed; an error if it stays unclean */
int vps_disk_check(const char *image, vps_err *err);

/* Why a resize applies only at the next start (vps_disk_resize's *later). */
#define VPS_DISK_LATER_CAP 1 /* growing a mounted ext4 needs CAP_SYS_RESOURCE */
#define VPS_DISK_LATER_VM  2 /* a running VM's virtio-blk keeps its size */

/* Resize the disk to size bytes (at least VPS_DISK_MIN, a multiple of 4096).
 * pid > 0: the VPS runs (its init's pid): the image and its loop device grow
 * now and the filesystem online when the kernel lets us, else at the next
 * start (*later: VPS_DISK_LATER_*); shrinking a running VPS's disk is refused.
 * pid 0: locked, checked and resized offline with resize2fs (a shrink below
 * what the files need fails and changes nothing). */
int vps_disk_resize(const char *image, pid_t pid, uint64_t size, int *later, vps_err *err);

/* Size and use in bytes of the disk image: through the running VPS's root
 * when pid > 0 has it mounted, else from the image's superblock. */
int vps_disk_image_use(const char *image, pid_t pid, uint64_t *size, uint64_t *used, vps_err *err);

/* The dir backend (disk_dir.c): the rootfs directory as the root of a project
 * quota of its own on XFS or ext4. The id is the annotation's value. */
#define VPS_ANN_DISK_PROJECT "org.vps.disk.project"
/* rootfd (empty, named rootfs in errors): a clear EOPNOTSUPP error when its
 * filesystem does not enforce project quotas; else a free project id, the
 * limit size, then PROJINHERIT and the id on the directory. */
int vps_disk_dir_create(int rootfd, const char *rootfs, uint64_t size, uint32_t *projid,
			vps_err *err);
/* The following check that rootfs is project id's root first. */
int vps_disk_dir_use(const char *rootfs, uint32_t id, uint64_t *size, uint64_t *used, vps_err *err);
/* A new limit, live; refused (ENOSPC) below what the files use now. */
int vps_disk_dir_resize(const char *rootfs, uint32_t id, uint64_t size, vps_err *err);
/* The limit dropped (the id free again once the files are gone). */
int vps_disk_dir_free(const char *rootfs, uint32_t id, vps_err *err);
