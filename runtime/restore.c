/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps restore: runc's semantics. Like create, from the bundle's config.json:
 * the state dir, state.json and the cgroup with its limits; then CRIU brings
 * the process tree back into it (criu restore --restore-detached
 * --restore-sibling: the init becomes our child, keeps its pids inside its
 * pid namespace) with the container's rootfs as --root (bind-mounted on
 * ROOT/ID/criu-root: CRIU wants a mount point) and the host objects the
 * checkpoint recorded (criu_ext.c) given anew: bind sources and cgroup
 * directories, our stdio for the init's, a new pty for a terminal, the
 * network namespace named in config.json. The VPS network (org.vps.net.*):
 * its host side (bridge, leases of the addresses the checkpoint recorded, nft
 * tables; a mapped VPS's veth pair) is made before CRIU, which recreates the
 * veth pair with the host end named for this id on the bridge (or moves the
 * peer of vps's pair in: netns/restore.c); a failure undoes it
 * with the rest. state.json then reads running, so
 * state, list, kill, exec and delete work as on a created+started one. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns/net.h"
#include "rootfs/rootfs.h"
#include "runtime/create.h"
#include "runtime/criu.h"
#include "runtime/mon.h"
#include "runtime/status.h"
#include "runtime/store.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/log.h"

#define RESTORE_ROOT "criu-root"
#define RESTORE_PID  "criu.pid"

struct rctx {
	struct cctx c;
	struct vps_create_opts co;
	const struct vps_restore_opts *o;
	const char *image, *work;
	struct vps_ckpt_meta m;
	char criu_root[PATH_MAX];
	bool mounted;
	int slave, netns;	 /* the new pty's slave and the joined netns for criu, or -1 */
	int reopened[3];	 /* our stdio files reopened read-write for criu, or -1 */
	struct vps_created *out; /* in the monitor: the init and its pty, kept */
};

/* The checkpoint's init had a terminal: process.terminal, or the console pty
 * a VPS's monitor gave it (stdio on a tty, /dev/console bound from it). */
static bool had_tty(const struct vps_ckpt_meta *m)
{
	bool tty = m->terminal;
	for (int fd = 0; fd < 3; fd++)
		tty = tty || strncmp(m->fds[fd], "tty[", 4) == 0;
	for (size_t i = 0; i < m->n_mounts; i++)
		tty = tty || m->mounts[i].kind == VPS_CKPT_CONSOLE;
	return tty;
}

/* A terminal's new pty: its slave is the init's stdio and /dev/console. */
static int open_console(struct rctx *x, char *path, size_t sz, int *pass, size_t *n, vps_err *err)
{
	struct vps_fdpath link;
	if (!had_tty(&x->m) && !*x->m.console)
		return 0;
	int r = vps_pty_open(&x->c.pty, &x->slave, err);
	if (r < 0)
		return vps_error_wrap(err, "process.terminal");
	pass[(*n)++] = x->slave;
	/* with a user namespace CRIU gives the pty back its owner from inside
	 * (root, group tty 5): it must be owned by their host ids already */
	const struct oci_linux *lx = &x->c.spec->lx;
	uint32_t uid, gid;
	if (lx->namespaces[OCI_NS_USER].present &&
	    oci_idmap_to_host(lx->uid_mappings, lx->n_uid_mappings, 0, &uid) &&
	    oci_idmap_to_host(lx->gid_mappings, lx->n_gid_mappings, 5, &gid) &&
	    fchown(x->slave, uid, gid) < 0)
		return vps_error(err, errno, "process.terminal: chown the new pty to %u:%u", uid,
				 gid);
	ssize_t len = readlink(vps_fdpath(&link, x->slave), path, sz - 1);
	if (len <= 0)
		return vps_error(err, errno, "process.terminal: the new pty's path");
	path[len] = '\0';
	return 0;
}

/* --inherit-fd for the init's fd 0-2: ours, or the new pty's slave. One key
 * may stand for several of them (/dev/null read and written): criu then gives
 * all of them one fd, so a file is reopened read-write when it can be. */
static void stdio_fds(struct rctx *x, struct vps_argv *a, int *pass, size_t *n)
{
	for (int fd = 0; fd < 3; fd++) {
		const char *key = x->m.fds[fd];
		bool seen = false;
		for (int k = 0; k < fd; k++)
			seen = seen || strcmp(x->m.fds[k], key) == 0;
		if (!*key || seen)
			continue;
		int give = fd;
		if (strncmp(key, "tty[", 4) == 0)
			give = x->slave;
		else if (strncmp(key, "file[", 5) == 0) {
			/* criu seeks a file back to its offset: a pipe or socket of ours
			 * (an engine's stdio) cannot be, so the init gets /dev/null */
			struct vps_fdpath self;
			bool seekable = lseek(fd, 0, SEEK_CUR) >= 0;
			x->reopened[fd] = open(seekable ? vps_fdpath(&self, fd) : "/dev/null",
					       O_RDWR | O_NOCTTY | O_CLOEXEC);
			if (x->reopened[fd] >= 0)
				give = pass[(*n)++] = x->reopened[fd];
		}
		vps_argv_add(a, "--inherit-fd");
		vps_argv_add(a, "fd[%d]:%s", give, key);
	}
	bool seen = !*x->m.console || x->slave < 0;
	for (int fd = 0; fd < 3; fd++)
		seen = seen || strcmp(x->m.fds[fd], x->m.console) == 0;
	if (!seen) { /* /dev/console held by others than the init */
		vps_argv_add(a, "--inherit-fd");
		vps_argv_add(a, "fd[%d]:%s", x->slave, x->m.console);
	}
}

/* the network namespace criu restores into: one joined by path, or one
 * made anew for a VPS without a network (criu_netns.c) */
static int netns_fd(struct rctx *x, struct vps_argv *a, int *pass, size_t *n, vps_err *err)
{
	const struct oci_namespace *ns = &x->c.spec->lx.namespaces[OCI_NS_NETWORK];
	if (x->m.netns_renew) {
		if ((x->netns = vps_ckpt_netns_new(x->c.spec, x->m.netconf, err)) < 0)
			return x->netns;
	} else if (!x->m.netns_external) {
		return 0;
	} else if (!ns->present || !ns->path) {
		return vps_errorx(err, EINVAL,
				  "the checkpoint joined a network namespace by path: config.json "
				  "must name one (.linux.namespaces network path)");
	} else if ((x->netns = open(ns->path, O_RDONLY | O_CLOEXEC)) < 0) {
		return vps_error(err, errno, "network namespace %s", ns->path);
	}
	pass[(*n)++] = x->netns;
	vps_argv_add(a, "--inherit-fd");
	vps_argv_add(a, "fd[%d]:%s", x->netns, VPS_CKPT_NS_KEY);
	return 0;
}

/* The VPS network's host side, recorded in state extra["net"] so that a
 * failure from here on is undone by vps_create_undo. */
static int net_prepare(struct rctx *x, vps_err *err)
{
	struct cctx *c = &x->c;
	json_object *net = NULL;
	if (!x->m.net)
		return 0;
	int r = vps_net_restore_prepare(x->o->root, x->o->id, c->spec, x->m.net, &net, err);
	return r < 0 || !net ? r : vps_create_put_net(c, net, err);
}

static json_object *net_extra(struct rctx *x)
{
	return x->c.st->extra ? json_object_object_get(x->c.st->extra, "net") : NULL;
}

/* --external veth[eth0]:HOSTVETH@BRIDGE: CRIU makes the pair anew; or, for a
 * mapped VPS, netdev[eth0]:PEER: CRIU moves in the peer of a pair vps made */
static int net_external(struct rctx *x, struct vps_argv *a, vps_err *err)
{
	char word[128];
	json_object *net = net_extra(x);
	if (!net)
		return 0;
	if (!vps_net_restore_veth(net, word, sizeof(word)))
		return vps_errorx(err, EINVAL, "the network state names no host veth");
	vps_argv_add(a, "--external");
	vps_argv_add(a, "%s", word);
	return 0;
}

/* criu's failure was its restored tasks, inside the VPS's user namespace,
 * not reading the images */
static bool userns_unreadable(const struct rctx *x, const char *msg)
{
	const struct oci_namespace *ns = &x->c.spec->lx.namespaces[OCI_NS_USER];
	return ns->present && !ns->path && strstr(msg, "Unable to open ") &&
	       strstr(msg, ".img: Permission denied");
}

/* criu, with the image directory lent to the VPS's root (criu_userns.c) */
static int exec_lent(struct rctx *x, const struct vps_criu_run *run, struct vps_argv *a,
		     vps_err *err)
{
	struct vps_ckpt_lend lend;
	int r = vps_ckpt_images_lend(x->image, &x->c.spec->lx, &lend, err);
	if (r < 0)
		return r;
	r = vps_criu_exec(run, a, err);
	vps_ckpt_images_return(&lend);
	if (r == -EIO && userns_unreadable(x, err->msg))
		r = vps_errorx(err, EACCES,
			       "CRIU's restored tasks, in the VPS's user namespace, cannot read "
			       "an image: every file in %s must be readable by the VPS's root "
			       "(CRIU writes them 0644) (%s)",
			       x->image, run->log);
	return r;
}

static int run_criu(struct rctx *x, vps_err *err)
{
	const struct vps_criu_opts *co = &x->o->c;
	struct vps_argv a = {.n = 0};
	char log[PATH_MAX], pidf[PATH_MAX];
	int pass[8];
	size_t n_pass = 0;
	if (vps_snprintf(log, sizeof(log), "%s/restore.log", x->work) < 0 ||
	    vps_snprintf(pidf, sizeof(pidf), "%s/%s", x->c.dir, RESTORE_PID) < 0)
		return vps_errorx(err, ENAMETOOLONG, "--work-path %s: too long", x->work);
	vps_criu_begin(&a, co->criu, "restore");
	vps_criu_common(&a, co, x->image, x->work, log);
	vps_argv_add(&a, "--root=%s", x->criu_root);
	vps_argv_add(&a, "--restore-detached");
	vps_argv_add(&a, "--restore-sibling");
	vps_argv_add(&a, "--pidfile=%s", pidf);
	vps_criu_netlock(&a, co, x->m.net_isolated && !x->m.net);
	bool ignore = co->manage_cgroups_mode && !strcmp(co->manage_cgroups_mode, "ignore");
	if (!ignore)
		vps_argv_add(&a, "--cgroup-root=%s", vps_cgroup_path(x->c.cg));
	char console[PATH_MAX] = "";
	int r = open_console(x, console, sizeof(console), pass, &n_pass, err);
	struct vps_ckpt_sources src = {.spec = x->c.spec,
				       .bundle = x->c.bundle,
				       .cgroup_rel = vps_cgroup_path(x->c.cg),
				       .cgroup_v2_dir = vps_cgroup_v2_dir(x->c.cg),
				       .console = *console ? console : NULL};
	if (r == 0)
		r = vps_ckpt_restore_mounts(&x->m, &src, &a, err);
	if (r == 0) {
		stdio_fds(x, &a, pass, &n_pass);
		r = netns_fd(x, &a, pass, &n_pass, err);
	}
	if (r == 0)
		r = net_external(x, &a, err);
	if (r == 0) {
		/* with "ignore" CRIU leaves the tree where criu runs: in the cgroup */
		struct vps_criu_run run = {.log = log,
					   .cgroup = ignore ? x->c.cg : NULL,
					   .pass_fds = pass,
					   .n_pass = n_pass};
		r = exec_lent(x, &run, &a, err);
	}
	vps_argv_free(&a);
	if (r < 0)
		return r;
	_cleanup_free_ char *text = NULL;
	size_t len;
	if ((r = vps_read_file_at(AT_FDCWD, pidf, 64, &text, &len, err)) < 0)
		return vps_error_wrap(err, "criu restore");
	unlink(pidf);
	x->c.pid = (pid_t)strtol(text, NULL, 10);
	if (x->c.pid <= 0)
		return vps_errorx(err, EIO, "criu restore: bad pid file \"%s\"", text);
	/* from here a failure kills and reaps it (vps_create_undo) */
	if ((x->c.pidfd = pidfd_open(x->c.pid, 0)) < 0)
		return vps_error(err, errno, "pidfd of the restored init %d", (int)x->c.pid);
	return 0;
}

/* A fresh rootfs (podman --import, containerd) lacks the mount points that
 * create's child made: criu mounts on them, so make every one config.json
 * names (a file for a bind of anything but a directory), as runc does. */
static int make_mountpoints(struct rctx *x, vps_err *err)
{
	for (size_t i = 0; i < x->c.spec->n_mounts; i++) {
		const struct oci_mount *mt = &x->c.spec->mounts[i];
		char source[PATH_MAX];
		struct stat st;
		bool file = vps_ckpt_is_bind(mt) && mt->source &&
			    vps_ckpt_mount_source(mt, x->c.bundle, source, sizeof(source)) >= 0 &&
			    stat(source, &st) == 0 && !S_ISDIR(st.st_mode);
		int r = vps_rootfs_mountpoint(x->c.rootfs, mt->destination, !file, err);
		if (r < 0)
			return vps_error_wrap(err, "mount point %s", mt->destination);
	}
	return 0;
}

static int mount_root(struct rctx *x, vps_err *err)
{
	if (vps_snprintf(x->criu_root, sizeof(x->criu_root), "%s/%s", x->c.dir, RESTORE_ROOT) < 0)
		return vps_errorx(err, ENAMETOOLONG, "%s: too long", x->c.dir);
	if (mkdir(x->criu_root, 0700) < 0)
		return vps_error(err, errno, "mkdir %s", x->criu_root);
	int r = vps_create_root_attach(x->c.spec, x->c.rootfs, x->criu_root, err);
	if (r < 0)
		return r;
	if (r == 0 && mount(x->c.rootfs, x->criu_root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return vps_error(err, errno, "bind %s on %s", x->c.rootfs, x->criu_root);
	x->mounted = true;
	mount(NULL, x->criu_root, NULL, MS_PRIVATE | MS_REC, NULL);
	return 0;
}

static void unmount_root(struct rctx *x)
{
	if (x->mounted && umount2(x->criu_root, MNT_DETACH) < 0)
		log_warn("restore %s: umount %s: %s", x->o->id, x->criu_root, strerror(errno));
	x->mounted = false;
	if (*x->criu_root)
		rmdir(x->criu_root);
}

/* The restored init: start time, state "running", pid file, console. */
static int record(struct rctx *x, vps_err *err)
{
	struct cctx *c = &x->c;
	int r = vps_proc_starttime(c->pid, &c->st->pid_start, err);
	if (r < 0)
		return r;
	c->st->pid = c->pid;
	c->st->status = VPS_RUNNING;
	/* under a monitor (mon.h), it records itself as create's does */
	if ((x->out && (r = vps_mon_record(c->st, err)) < 0) ||
	    (r = vps_state_save_at(c->dirfd, c->st, err)) < 0)
		return r;
	if (x->o->pid_file && (r = vps_write_pid_file(x->o->pid_file, c->pid, err)) < 0)
		return r;
	if (x->out) { /* the monitor keeps the init, its pidfd and pty */
		*x->out = (struct vps_created){
		    .pid = c->pid, .pidfd = take_fd(c->pidfd), .pty = take_fd(c->pty)};
		return 0;
	}
	if (c->pty >= 0 && x->o->console_socket) {
		if ((r = vps_console_send(x->o->console_socket, c->pty, err)) < 0)
			return r;
		close(take_fd(c->pty));
	}
	return 0;
}

/* the sub-cgroups the checkpoint lists, the VPS root's when it has one */
static int cgdirs(struct rctx *x, vps_err *err)
{
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	vps_create_userns_root(&x->c.spec->lx, &uid, &gid);
	return vps_ckpt_cgdirs_make(x->image, vps_cgroup_v2_dir(x->c.cg), uid, gid, err);
}

/* Everything up to the running, recorded container (undone on failure). */
static int restore(struct rctx *x, vps_err *err)
{
	struct cctx *c = &x->c;
	int r;
	if ((r = vps_snprintf(c->dir, sizeof(c->dir), "%s/%s", x->o->root, x->o->id)) < 0)
		return vps_errorx(err, -r, "state root %.64s%s: ROOT/ID is too long for a path",
				  x->o->root, strlen(x->o->root) > 64 ? "..." : "");
	if ((r = vps_store_create(x->o->root, x->o->id, &c->dirfd, &c->lockfd, err)) < 0)
		return r;
	c->stored = true;
	if ((r = vps_create_record(c, err)) < 0 || (r = make_mountpoints(x, err)) < 0 ||
	    (r = cgdirs(x, err)) < 0 || (r = net_prepare(x, err)) < 0 ||
	    (r = mount_root(x, err)) < 0 || (r = run_criu(x, err)) < 0 ||
	    (net_extra(x) && (r = vps_net_restore_finish(c->spec, net_extra(x), err)) < 0) ||
	    (r = record(x, err)) < 0) {
		unmount_root(x);
		vps_create_undo(c);
		return r;
	}
	unmount_root(x);
	log_debug("restored %s: init pid %d", x->o->id, (int)c->pid);
	return 0;
}

static int validate(struct rctx *x, vps_err *err)
{
	const struct oci_process *p = x->c.spec->process;
	int r = vps_ckpt_meta_load(x->image, &x->m, err);
	if (r < 0)
		return vps_error_wrap(err, "--image-path %s: no vps checkpoint", x->image);
	if (!p)
		return vps_errorx(err, EINVAL, "config.json: .process: required to restore");
	if ((r = vps_net_restore_check(x->c.spec, x->m.net, err)) < 0)
		return r;
	/* a VPS-face VPS's console is a pty (its monitor's) whatever config.json says */
	bool tty = x->m.terminal || *x->m.console;
	if (!vps_mon_wanted(x->c.spec) && p->terminal != tty)
		return vps_errorx(err, EINVAL,
				  "config.json: process.terminal is %s but the checkpoint's "
				  "process had %s terminal",
				  p->terminal ? "true" : "false", tty ? "a" : "no");
	if (p->terminal && x->o->detach && !x->o->console_socket && !vps_mon_wanted(x->c.spec))
		return vps_errorx(err, EINVAL,
				  "process.terminal is true: --console-socket is required when "
				  "detached");
	return 0;
}

static void release(struct rctx *x)
{
	struct cctx *c = &x->c;
	int *fds[] = {&c->dirfd, &c->lockfd,	  &c->pidfd,	   &c->pty,	   &x->slave,
		      &x->netns, &x->reopened[0], &x->reopened[1], &x->reopened[2]};
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (*fds[i] >= 0)
			close(take_fd(*fds[i]));
	vps_cgroup_free(c->cg);
	vps_state_free(c->st);
	oci_spec_free(c->spec);
	free(c->config);
	vps_ckpt_meta_free(&x->m);
}

/* the restore itself; x on the heap (cctx holds three paths) */
static int restore_x(struct rctx *x, int *exit_status, vps_err *err)
{
	const struct vps_restore_opts *o = x->o;
	int r;
	if ((r = vps_id_validate(o->id, err)) < 0 ||
	    (r = vps_criu_check_mode(o->c.manage_cgroups_mode, err)) < 0 ||
	    (r = vps_create_load_bundle(&x->c, err)) < 0 || (r = validate(x, err)) < 0)
		return r;
	if (o->detach && !o->console_socket && !o->in_monitor && vps_mon_wanted(x->c.spec)) {
		struct vps_restore_opts mo = *o;
		struct vps_created cr;
		mo.c.image_path = x->image;
		mo.c.work_path = x->work;
		mo.bundle = x->c.bundle;
		mo.in_monitor = true;
		return vps_mon_launch_restore(&mo, &cr, err);
	}
	/* the restored init is criu's sibling: our child, reaped here when not detached */
	if ((r = restore(x, err)) < 0 || o->detach)
		return r;
	close(take_fd(x->c.lockfd));
	if (x->c.pty >= 0)
		vps_console_keep(x->c.pty);
	r = vps_wait_foreground(x->c.pid, x->c.pidfd, x->c.pty, exit_status, NULL, err);
	vps_err e;
	if (vps_delete(o->root, o->id, true, &e) < 0)
		log_warn("restore %s: delete after exit: %s", o->id, e.msg);
	return r;
}

static int restore_out(const struct vps_restore_opts *o, int *exit_status, struct vps_created *out,
		       vps_err *err)
{
	*exit_status = 0;
	struct rctx *x = calloc(1, sizeof(*x));
	if (!x)
		return vps_error(err, ENOMEM, "restore");
	x->o = o;
	x->out = out;
	x->slave = x->netns = -1;
	x->reopened[0] = x->reopened[1] = x->reopened[2] = -1;
	x->co = (struct vps_create_opts){.root = o->root,
					 .id = o->id,
					 .bundle = o->bundle,
					 .console_socket = o->console_socket,
					 .pid_file = o->pid_file,
					 .no_pivot = o->no_pivot};
	vps_create_ctx_init(&x->c, &x->co);
	/* criu changes its directory: it is given absolute paths */
	const char *image = o->c.image_path ? o->c.image_path : "checkpoint";
	const char *work = o->c.work_path ? o->c.work_path : image;
	int r;
	if (!(x->image = realpath(image, NULL)))
		r = vps_error(err, errno, "--image-path %s", image);
	else if ((r = vps_mkdir_p(work, 0700, err)) < 0)
		;
	else if (!(x->work = realpath(work, NULL)))
		r = vps_error(err, errno, "--work-path %s", work);
	else
		r = restore_x(x, exit_status, err);
	free((char *)x->image);
	free((char *)x->work);
	release(x);
	free(x);
	return r;
}

int vps_restore(const struct vps_restore_opts *o, int *exit_status, vps_err *err)
{
	return restore_out(o, exit_status, NULL, err);
}

int vps_restore_internal(const struct vps_restore_opts *o, struct vps_created *out, vps_err *err)
{
	int status;
	return restore_out(o, &status, out, err);
}
