/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VPS's disk from the VPS face (issue 18): `vps set NAME --disk SIZE`
 * resizes it, `vps list`/`vps stats` read its size and use, `vps destroy`
 * frees a dir-backend disk's project. The record a start applies is the disk
 * itself: the image file's size (org.vps.disk; grown live when the kernel lets
 * us, else at the next start; shrunk only while stopped: rootfs/disk_make.c),
 * or the project quota's limit (org.vps.disk.project; changed live:
 * rootfs/disk_dir.c). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rootfs/disk.h"
#include "runtime/internal.h"
#include "runtime/inv_internal.h"
#include "util/fmt.h"
#include "util/log.h"

/* Which disk a VPS has: image[0] (the image backend), project (dir). */
struct disk_of {
	char image[PATH_MAX];
	char rootfs[PATH_MAX];
	uint32_t project;
};

static int disk_of(const char *bundle, const char *rootfs, const struct oci_kv *a, size_t n,
		   struct disk_of *d, vps_err *err)
{
	const char *proj = oci_kv_get(a, n, VPS_ANN_DISK_PROJECT);
	d->project = 0;
	d->rootfs[0] = 0;
	int r = vps_disk_image_path(bundle, oci_kv_get(a, n, VPS_ANN_DISK), d->image,
				    sizeof(d->image), err);
	if (r < 0 || !proj)
		return r;
	char *end;
	errno = 0;
	unsigned long v = strtoul(proj, &end, 10);
	if (errno || end == proj || *end || v == 0 || v > UINT32_MAX)
		return vps_errorx(err, EINVAL,
				  "config.json: .annotations[\"%s\"]: expected a project id, got "
				  "\"%s\"",
				  VPS_ANN_DISK_PROJECT, proj);
	d->project = (uint32_t)v;
	const char *rp = rootfs ? rootfs : "rootfs";
	if (vps_snprintf(d->rootfs, sizeof(d->rootfs), "%s%s%s", rp[0] == '/' ? "" : bundle,
			 rp[0] == '/' ? "" : "/", rp) < 0)
		return vps_errorx(err, ENAMETOOLONG, "%s/%s: path too long", bundle, rp);
	return 0;
}

static int spec_disk(const char *bundle, struct disk_of *d, vps_err *err)
{
	struct oci_spec *spec = NULL;
	int r = oci_spec_load(bundle, &spec, err);
	if (r >= 0)
		r = disk_of(bundle, spec->root_path, spec->annotations, spec->n_annotations, d,
			    err);
	oci_spec_free(spec);
	return r;
}

/* The pid of the VPS's container when it has one that is not stopped, else 0;
 * -1 while it is being created. */
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
	struct disk_of d;
	int r = spec_disk(e->bundle, &d, err);
	if (r < 0)
		return r;
	if (d.project)
		return vps_disk_dir_resize(d.rootfs, d.project, (uint64_t)size, err) < 0
			   ? vps_error_wrap(err, "--disk")
			   : 0;
	if (!d.image[0])
		return vps_errorx(err, EINVAL,
				  "--disk: VPS %s has no disk of its own (made without "
				  "vps bundle --disk)",
				  e->name);
	pid_t pid = live_pid(root, e->name, e->bundle);
	if (pid < 0)
		return vps_errorx(err, EBUSY, "--disk: VPS %s is being created; try again",
				  e->name);
	int later = 0;
	if ((r = vps_disk_resize(d.image, pid, (uint64_t)size, &later, err)) < 0)
		return vps_error_wrap(err, "--disk");
	*deferred |= later == VPS_DISK_LATER_CAP  ? VPS_SET_DEFERRED_DISK_CAP
		     : later == VPS_DISK_LATER_VM ? VPS_SET_DEFERRED_DISK_VM
						  : 0;
	return 0;
}

static int use_of(const struct disk_of *d, pid_t pid, struct vps_disk_use *u, vps_err *err)
{
	*u = (struct vps_disk_use){0};
	int r = d->project    ? vps_disk_dir_use(d->rootfs, d->project, &u->size, &u->used, err)
		: d->image[0] ? vps_disk_image_use(d->image, pid, &u->size, &u->used, err)
			      : 1;
	u->has = r == 0;
	return r < 0 ? r : 0;
}

int vps_disk_use(const char *root, const char *id, struct vps_disk_use *u, vps_err *err)
{
	struct vps_state *st = NULL;
	struct disk_of d;
	*u = (struct vps_disk_use){0};
	int r = vps_state_load(root, id, &st, err);
	if (r < 0)
		return r;
	pid_t pid = vps_status_live(root, st) != VPS_STOPPED ? st->pid : 0;
	if ((r = disk_of(st->bundle, st->rootfs, st->annotations, st->n_annotations, &d, err)) >= 0)
		r = use_of(&d, pid, u, err);
	vps_state_free(st);
	return r;
}

void vps_inv_disk_row(const char *root, struct vps_inv_row *row)
{
	struct disk_of d;
	vps_err e = {0};
	row->disk = (struct vps_disk_use){0};
	if (spec_disk(row->e->bundle, &d, &e) < 0)
		return;
	pid_t pid = live_pid(root, row->e->name, row->e->bundle);
	(void)use_of(&d, pid > 0 ? pid : 0, &row->disk, &e);
}

void vps_inv_disk_free(const struct vps_inv_entry *e)
{
	struct disk_of d;
	vps_err err = {0};
	if (!vps_inv_bundle_is(e->bundle, e->name) || spec_disk(e->bundle, &d, &err) < 0 ||
	    !d.project)
		return;
	if (vps_disk_dir_free(d.rootfs, d.project, &err) < 0)
		log_warn("destroy %s: %s", e->name, err.msg);
}
