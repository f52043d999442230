/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps checkpoint: runc's semantics. The container must be running; CRIU dumps
 * its process tree (criu dump --tree INIT) into --image-path, with everything
 * that lies on the host described as external (criu_ext.c). Without
 * --leave-running CRIU kills the tree after the dump and the container is
 * deleted (cgroup, network, state), as runc does: restore recreates it.
 * The VPS network (org.vps.net.*) is dumped with the VPS's own network
 * namespace: CRIU keeps eth0 (MAC, addresses, routes) and notes that its veth
 * peer is outside; the record of the host side (bridge, addresses) goes into
 * the checkpoint's vps-checkpoint.json for restore (netns/restore.c).
 * --pre-dump only copies memory and leaves it running. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns/net.h"
#include "runtime/criu.h"
#include "runtime/internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/log.h"

void vps_criu_common(struct vps_argv *a, const struct vps_criu_opts *o, const char *image,
		     const char *work, const char *log)
{
	vps_argv_add(a, "--images-dir=%s", image);
	vps_argv_add(a, "--work-dir=%s", work);
	vps_argv_add(a, "--log-file=%s", log);
	vps_argv_add(a, "-v4");
	vps_argv_add(a, "--manage-cgroups=%s",
		     o->manage_cgroups_mode ? o->manage_cgroups_mode : "soft");
	if (o->tcp_established)
		vps_argv_add(a, "--tcp-established");
	if (o->ext_unix_sk)
		vps_argv_add(a, "--ext-unix-sk");
	if (o->shell_job)
		vps_argv_add(a, "--shell-job");
	if (o->file_locks)
		vps_argv_add(a, "--file-locks");
}

int vps_criu_check_mode(const char *mode, vps_err *err)
{
	static const char *const ok[] = {"soft", "full", "strict", "ignore"};
	for (size_t i = 0; mode && i < ARRAY_SIZE(ok); i++)
		if (strcmp(mode, ok[i]) == 0)
			return 0;
	return mode ? vps_errorx(err, EINVAL,
				 "--manage-cgroups-mode: expected soft, full, strict or ignore, "
				 "got \"%s\"",
				 mode)
		    : 0;
}

/* Pre-dumps need the kernel's memory dirty tracking (soft-dirty or
 * PAGEMAP_SCAN); without it criu aborts mid-way, so ask first. */
static int check_dirty_tracking(const char *criu, vps_err *err)
{
	struct vps_argv a = {.n = 0};
	vps_criu_begin(&a, criu, "check");
	vps_argv_add(&a, "--feature");
	vps_argv_add(&a, "mem_dirty_track");
	struct vps_criu_run run = {.quiet = true};
	int r = vps_criu_exec(&run, &a, err);
	vps_argv_free(&a);
	if (r == -EIO)
		return vps_errorx(err, ENOTSUP,
				  "--pre-dump/--parent-path: this kernel has no memory dirty "
				  "tracking (criu check --feature mem_dirty_track fails)");
	return r;
}

/* Where the container's freezer cgroup lives: v1's freezer hierarchy, else cgroup2. */
static const char *freezer_root(void)
{
	struct stat sb;
	bool v1 = stat("/sys/fs/cgroup/freezer", &sb) == 0 && S_ISDIR(sb.st_mode);
	return v1 ? "/sys/fs/cgroup/freezer" : "/sys/fs/cgroup";
}

static int dump(const struct vps_checkpoint_opts *o, const struct vps_state *st, bool paused,
		const char *image, const char *work, vps_err *err)
{
	struct oci_spec *spec = NULL;
	struct vps_ckpt_meta m = {0};
	struct vps_argv a = {.n = 0};
	struct vps_criu_opts c = o->c;
	char log[PATH_MAX];
	int r = vps_snprintf(log, sizeof(log), "%s/%s", work,
			     o->pre_dump ? "pre-dump.log" : "dump.log");
	if (r < 0)
		return vps_errorx(err, ENAMETOOLONG, "--work-path %s: too long", work);
	if ((o->pre_dump || o->parent_path) && (r = check_dirty_tracking(o->c.criu, err)) < 0)
		return r;
	if ((r = vps_container_spec(o->root, o->id, &spec, err)) < 0)
		return r;
	vps_criu_begin(&a, o->c.criu, o->pre_dump ? "pre-dump" : "dump");
	vps_argv_add(&a, "--tree=%d", (int)st->pid);
	if ((r = vps_ckpt_describe(st->pid, spec, &m, &a, err)) < 0)
		goto out;
	c.tcp_established =
	    c.tcp_established || (o->tcp_if_networked && vps_ckpt_net_reachable(st->pid, spec));
	m.tcp_established = c.tcp_established;
	if (o->renew_netns && !c.tcp_established && !m.netns_external &&
	    (r = vps_ckpt_netns_renew(st->pid, spec, &m, &a, err)) < 0)
		goto out;
	vps_criu_common(&a, &c, image, work, log);
	vps_criu_netlock(&a, &c, m.net_isolated);
	if (o->parent_path) {
		vps_argv_add(&a, "--prev-images-dir=%s", o->parent_path);
		vps_argv_add(&a, "--track-mem");
	}
	if (o->leave_running && !o->pre_dump)
		vps_argv_add(&a, "--leave-running");
	if (paused) /* criu seizes the frozen tree and leaves the freezer as it was */
		vps_argv_add(&a, "--freeze-cgroup=%s%s", freezer_root(), st->cgroup_path);
	json_object *net = st->extra ? json_object_object_get(st->extra, "net") : NULL;
	m.net = net ? json_object_get(net) : NULL;
	if ((r = vps_ckpt_meta_save(image, &m, err)) < 0 ||
	    (r = vps_ckpt_cgdirs_save(image, st->cgroup_path, err)) < 0)
		goto out;
	/* a mapped VPS's ping range as CRIU can restore it in its user namespace */
	if (!o->pre_dump && (r = vps_net_ping_range_fit(st->pid, &spec->lx, err)) < 0)
		goto out;
	struct vps_criu_run run = {.log = log};
	r = vps_criu_exec(&run, &a, err);
out:
	vps_argv_free(&a);
	vps_ckpt_meta_free(&m);
	oci_spec_free(spec);
	return r;
}

/* criu changes its directory: it is given absolute paths */
static int dump_to(const struct vps_checkpoint_opts *o, const struct vps_state *st, bool paused,
		   vps_err *err)
{
	const char *image = o->c.image_path ? o->c.image_path : "checkpoint";
	const char *work = o->c.work_path ? o->c.work_path : image;
	int r;
	if ((r = vps_mkdir_p(image, 0700, err)) < 0 || (r = vps_mkdir_p(work, 0700, err)) < 0)
		return r;
	_cleanup_free_ char *img = realpath(image, NULL);
	_cleanup_free_ char *wrk = realpath(work, NULL);
	if (!img || !wrk)
		return vps_error(err, errno, "%s", img ? work : image);
	return dump(o, st, paused, img, wrk, err);
}

int vps_checkpoint(const struct vps_checkpoint_opts *o, vps_err *err)
{
	int dirfd = -1, lockfd = -1, r;
	struct vps_state *st = NULL;
	if ((r = vps_id_validate(o->id, err)) < 0 ||
	    (r = vps_criu_check_mode(o->c.manage_cgroups_mode, err)) < 0)
		return r;
	if ((r = vps_container_load(o->root, o->id, &dirfd, &lockfd, &st, err)) < 0)
		return r;
	enum vps_status s = vps_status_live(NULL, st);
	if (s != VPS_RUNNING && s != VPS_PAUSED) {
		r = vps_errorx(err, EINVAL,
			       "container is %s: only a running or paused container can be "
			       "checkpointed",
			       vps_status_name(s));
		goto out;
	}
	if ((r = vps_ckpt_refused(st->pid, err)) < 0 ||
	    (r = dump_to(o, st, s == VPS_PAUSED, err)) < 0)
		goto out;
	log_debug("checkpoint %s: %s", o->id, o->pre_dump ? "pre-dumped" : "dumped");
	if (o->leave_running || o->pre_dump)
		goto out;
	/* the tree is gone: what is left of the container goes, as in runc */
	close(lockfd), lockfd = -1;
	close(dirfd), dirfd = -1;
	if ((r = vps_delete(o->root, o->id, true, err)) < 0)
		vps_error_wrap(err, "dumped, but removing the container");
out:
	vps_state_free(st);
	if (dirfd >= 0)
		close(dirfd);
	if (lockfd >= 0)
		close(lockfd);
	return r;
}
