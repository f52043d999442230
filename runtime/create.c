/* SPDX-License-Identifier: GPL-2.0-or-later */
/* create: validate everything, record state, make the cgroup, clone the init
 * with all its namespaces, write its id maps, drive it through setup over the
 * sync socket and leave it blocked on the exec barrier. Any failure undoes
 * everything (init, cgroup, state dir). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "netns/net.h"
#include "rootfs/rootfs.h"
#include "runtime/create.h"
#include "runtime/mon.h"
#include "runtime/store.h"
#include "runtime/inventory.h"
#include "runtime/vm/vm_lifecycle.h"
#include "specs/bundle.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/log.h"

static int validate(struct cctx *c, bool keep_pty, vps_err *err)
{
	const struct oci_spec *s = c->spec;
	const struct oci_linux *lx = &s->lx;
	if (!s->process)
		return vps_errorx(err, EINVAL, "config.json: .process: required to create");
	if ((s->hostname || s->domainname) && !lx->namespaces[OCI_NS_UTS].present)
		return vps_errorx(err, EINVAL,
				  "config.json: .hostname: needs a uts namespace of its own");
	if (lx->namespaces[OCI_NS_USER].present && !lx->namespaces[OCI_NS_USER].path &&
	    (!lx->n_uid_mappings || !lx->n_gid_mappings))
		return vps_errorx(err, EINVAL,
				  "config.json: .linux.uidMappings/gidMappings: required with a "
				  "new user namespace");
	if (s->process->terminal && !keep_pty && !c->o->console_socket)
		return vps_errorx(err, EINVAL,
				  "process.terminal is true: --console-socket is required when "
				  "detached");
	if (!s->process->terminal && c->o->console_socket)
		return vps_errorx(err, EINVAL,
				  "--console-socket given but process.terminal is false");
	if ((lx->time_monotonic.set || lx->time_boottime.set) &&
	    !lx->namespaces[OCI_NS_TIME].present)
		return vps_errorx(err, EINVAL,
				  "config.json: .linux.timeOffsets: needs a time namespace");
	if (s->process->has_caps)
		vps_caps_warn_ambient(&s->process->caps);
	int r = vps_sysctl_validate(s, err);
	if (r == 0)
		r = vps_create_root_check(s, err);
	if (r == 0 && !lx->namespaces[OCI_NS_MOUNT].present)
		r = vps_rootfs_check_no_mntns(s, err);
	return r < 0 ? r : vps_net_validate(s, err);
}

/* One read of config.json, one rule for root.path (specs/bundle.h). */
int vps_create_load_bundle(struct cctx *c, vps_err *err)
{
	struct oci_bundle *b;
	int r = oci_bundle_open(c->o->bundle, &b, err);
	if (r < 0)
		return r;
	memcpy(c->bundle, b->dir, sizeof(c->bundle));
	memcpy(c->rootfs, b->rootfs, sizeof(c->rootfs));
	c->spec = b->spec; /* taken over: released with c */
	c->config = b->config;
	c->config_len = b->config_len;
	b->spec = NULL;
	b->config = NULL;
	oci_bundle_free(b);
	return 0;
}

/* The VPS network (netns/), once the init waits at the barrier with its root in
 * place (resolv.conf and hosts are written into it); recorded in extra["net"]. */
static int create_net(struct cctx *c, vps_err *err)
{
	json_object *net = NULL;
	int r = vps_net_setup(c->o->root, c->o->id, c->spec, c->pid, &net, err);
	return r < 0 || !net ? r : vps_create_put_net(c, net, err);
}

int vps_create_put_net(struct cctx *c, json_object *net, vps_err *err)
{
	if (!c->st->extra && !(c->st->extra = json_object_new_object())) {
		json_object_put(net);
		return vps_error(err, ENOMEM, "network state");
	}
	json_object_object_add(c->st->extra, "net", net);
	return 0;
}

void vps_create_undo(struct cctx *c)
{
	vps_err ignore;
	json_object *net =
	    c->st && c->st->extra ? json_object_object_get(c->st->extra, "net") : NULL;
	if (vps_net_teardown(c->o->root, c->o->id, net, &ignore) < 0)
		log_warn("create %s: undoing the network: %s", c->o->id, ignore.msg);
	if (c->pidfd >= 0) {
		pidfd_send_signal(c->pidfd, SIGKILL, NULL, 0);
		waitpid(c->pid, NULL, 0);
	}
	if (c->cg)
		vps_cgroup_destroy(c->cg, &ignore);
	if (c->stored)
		vps_store_remove(c->o->root, c->o->id, &ignore);
}

static void release(struct cctx *c)
{
	vps_ns_close(c->ns_fds);
	int *fds[] = {&c->dirfd, &c->lockfd,   &c->barrier,  &c->sync[0], &c->sync[1],
		      &c->pty,	 &c->stdio[0], &c->stdio[1], &c->disk_fd, &c->sysinfo};
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
	vps_cgroup_free(c->cg);
	vps_seccomp_free(c->sc);
	vps_state_free(c->st);
	oci_spec_free(c->spec);
	free(c->config);
}

/* Move what run keeps out of the context (release then leaves it alone). */
static void hand_over(struct cctx *c, struct vps_held *h)
{
	*h = (struct vps_held){.st = c->st,
			       .spec = c->spec,
			       .cg = c->cg,
			       .dirfd = take_fd(c->dirfd),
			       .lockfd = take_fd(c->lockfd)};
	c->st = NULL;
	c->spec = NULL;
	c->cg = NULL;
}

void vps_held_free(struct vps_held *h)
{
	vps_state_free(h->st);
	oci_spec_free(h->spec);
	vps_cgroup_free(h->cg);
	if (h->dirfd >= 0)
		close(h->dirfd);
	if (h->lockfd >= 0)
		close(h->lockfd);
	*h = (struct vps_held){.dirfd = -1, .lockfd = -1};
}

void vps_create_ctx_init(struct cctx *c, const struct vps_create_opts *o)
{
	*c = (struct cctx){.o = o,
			   .dirfd = -1,
			   .lockfd = -1,
			   .barrier = -1,
			   .sync = {-1, -1},
			   .pidfd = -1,
			   .pty = -1,
			   .stdio = {-1, -1},
			   .disk_fd = -1,
			   .sysinfo = -1};
	for (int t = 0; t < OCI_NS_MAX; t++)
		c->ns_fds[t] = -1;
}

int vps_create_internal(const struct vps_create_opts *o, struct vps_created *out,
			enum vps_pty_mode pty, struct vps_held *hold, vps_err *err)
{
	bool keep_pty = pty != VPS_PTY_SEND;
	struct cctx c;
	vps_create_ctx_init(&c, o);
	*out = (struct vps_created){.pid = 0, .pidfd = -1, .pty = -1, .sysinfo = -1};
	if (hold)
		*hold = (struct vps_held){.dirfd = -1, .lockfd = -1};
	int r;
	if ((r = vps_id_validate(o->id, err)) < 0)
		return r;
	/* nothing on the host is touched until the whole spec validated */
	if ((r = vps_create_load_bundle(&c, err)) < 0)
		goto out;
	if (pty == VPS_PTY_SEND && !o->console_socket && vps_mon_wanted(c.spec)) {
		/* a detached VPS (a VM too): its monitor creates (and for run, starts) it */
		r = vps_mon_launch(o, hold != NULL, out, err);
		goto out;
	}
	if (pty == VPS_PTY_MONITOR) { /* the init's console is a pty the monitor holds */
		c.monitor = true;     /* a VM's: the guest's terminal, over a socket */
		if (c.spec->process)
			c.spec->process->terminal = true;
	}
	if (o->vm || vps_vm_requested(c.spec)) { /* hardware isolation: runtime/vm */
		if ((r = vps_inv_claim(o->inventory, c.spec, c.bundle, err)) < 0)
			goto out;
		if ((r = vps_vm_create_container(&c, keep_pty, out, err)) < 0)
			vps_create_undo(&c);
		goto out;
	}
	c.for_run = hold != NULL; /* container mode only: VM run starts through state */
	/* the compiled seccomp filter is cached under the state root (bench, issue 9) */
	if ((r = vps_procview_prepare(c.spec, o->id, &c.pv, err)) < 0 ||
	    (r = validate(&c, keep_pty, err)) < 0 ||
	    (r = vps_seccomp_prepare(c.spec->lx.seccomp, VPS_SECCOMP_CACHE_DIR, &c.sc, err)) < 0 ||
	    (r = vps_ns_prepare(&c.spec->lx, c.ns_fds, &c.clone_flags, err)) < 0 ||
	    (r = vps_inv_claim(o->inventory, c.spec, c.bundle, err)) < 0)
		goto out;
	if ((r = vps_snprintf(c.dir, sizeof(c.dir), "%s/%s", o->root, o->id)) < 0) {
		r = vps_errorx(err, -r, "state root %.64s%s: ROOT/ID is too long for a path",
			       o->root, strlen(o->root) > 64 ? "..." : "");
		goto out;
	}
	if ((r = vps_store_create(o->root, o->id, &c.dirfd, &c.lockfd, err)) < 0)
		goto out;
	c.stored = true;
	if ((r = vps_create_record(&c, err)) < 0 ||
	    (r = vps_procview_files(c.spec, c.dirfd, c.dir, c.cg, &c.pv, err)) < 0 ||
	    (r = vps_create_disk(&c, err)) < 0 || (r = vps_create_stdio(&c, !keep_pty, err)) < 0 ||
	    (r = vps_create_spawn(&c, err)) < 0 || (r = vps_create_drive(&c, keep_pty, err)) < 0 ||
	    (r = create_net(&c, err)) < 0 || (c.monitor && (r = vps_mon_record(c.st, err)) < 0) ||
	    (r = vps_create_finish(&c, err)) < 0) {
		vps_create_undo(&c);
		goto out;
	}
	out->pid = c.pid;
	out->pidfd = take_fd(c.pidfd);
	out->pty = take_fd(c.pty);
	out->sysinfo = take_fd(c.sysinfo);
	if (hold)
		hand_over(&c, hold);
out:
	release(&c);
	return r;
}

int vps_create(const struct vps_create_opts *o, vps_err *err)
{
	struct vps_created cr;
	int r = vps_create_internal(o, &cr, VPS_PTY_SEND, NULL, err);
	if (r < 0)
		return r;
	if (cr.pidfd >= 0)
		close(cr.pidfd);
	return 0;
}
