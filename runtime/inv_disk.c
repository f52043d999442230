/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VPS's disk from the VPS face (issue 18): `vps set NAME --disk SIZE`
 * resizes it (grown live when the kernel lets us, else at the next start;
 * shrunk only while stopped: rootfs/disk_make.c), and `vps list`/`vps stats`
 * read its size and use. The image file's size (org.vps.disk) is the record
 * the next start applies: nothing else to persist. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "rootfs/disk.h"
#include "runtime/internal.h"
#include "runtime/inv_internal.h"
#include "util/fmt.h"

/* The pid of the VPS's container when it has one that is not stopped, else 0. */
static pid_t live_pid(const char *root, const char *name, const char *bundle)
{
	struct vps_state *st = NULL;
	vps_err e = {0};
	pid_t pid = 0;
	if (vps_state_load(root, name, &st, &e) < 0)
		return 0;
	enum vps_status s = vps_status_live(root, st);
	if (st->bundle && !strcmp(st->bundle, bundle) && s != VPS_STOPPED)
		pid = st->pid > 0 ? st->pid : -1;
	vps_state_free(st);
	return pid;
}

int vps_inv_set_disk(const char *root, const struct vps_inv_entry *e, int64_t size,
		     unsigned *deferred, vps_err *err)
{
	struct oci_spec *spec = NULL;
	char image[PATH_MAX];
	int r = oci_spec_load(e->bundle, &spec, err);
	if (r >= 0)
		r = vps_disk_image_path(e->bundle, oci_annotation(spec, VPS_ANN_DISK), image,
					sizeof(image), err);
	oci_spec_free(spec);
	if (r < 0)
		return r;
	if (!image[0])
		return vps_errorx(err, EINVAL,
				  "--disk: VPS %s has no disk of its own (made without "
				  "vps bundle --disk)",
				  e->name);
	pid_t pid = live_pid(root, e->name, e->bundle);
	if (pid < 0)
		return vps_errorx(err, EBUSY, "--disk: VPS %s is being created; try again",
				  e->name);
	int later = 0;
	if ((r = vps_disk_resize(image, pid, (uint64_t)size, &later, err)) < 0)
		return vps_error_wrap(err, "--disk");
	*deferred |= later == VPS_DISK_LATER_CAP  ? VPS_SET_DEFERRED_DISK_CAP
		     : later == VPS_DISK_LATER_VM ? VPS_SET_DEFERRED_DISK_VM
						  : 0;
	return 0;
}

int vps_disk_use_of(const char *bundle, const char *disk, pid_t pid, struct vps_disk_use *u,
		    vps_err *err)
{
	char image[PATH_MAX];
	*u = (struct vps_disk_use){0};
	int r = vps_disk_image_path(bundle, disk, image, sizeof(image), err);
	if (r < 0 || !image[0])
		return r;
	if ((r = vps_disk_image_use(image, pid, &u->size, &u->used, err)) < 0)
		return r;
	u->has = true;
	return 0;
}

int vps_disk_use(const char *root, const char *id, struct vps_disk_use *u, vps_err *err)
{
	struct vps_state *st = NULL;
	*u = (struct vps_disk_use){0};
	int r = vps_state_load(root, id, &st, err);
	if (r < 0)
		return r;
	pid_t pid = vps_status_live(root, st) != VPS_STOPPED ? st->pid : 0;
	r = vps_disk_use_of(
	    st->bundle, oci_kv_get(st->annotations, st->n_annotations, VPS_ANN_DISK), pid, u, err);
	vps_state_free(st);
	return r;
}

void vps_inv_disk_row(const char *root, struct vps_inv_row *row)
{
	struct oci_spec *spec = NULL;
	vps_err e = {0};
	row->disk = (struct vps_disk_use){0};
	if (oci_spec_load(row->e->bundle, &spec, &e) < 0)
		return;
	pid_t pid = live_pid(root, row->e->name, row->e->bundle);
	(void)vps_disk_use_of(row->e->bundle, oci_annotation(spec, VPS_ANN_DISK), pid > 0 ? pid : 0,
			      &row->disk, &e);
	oci_spec_free(spec);
}
