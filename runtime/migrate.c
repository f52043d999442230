/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps migrate NAME [DEST]: move a VPS with its bundle and inventory record.
 * check the destination (its vps version, name, bundle path, disk, criu);
 * copy the bundle while the VPS runs (rsync) and register it there (the
 * destination's record is written before the freeze); then live: freeze, CRIU dump
 * (the source stays frozen, not killed), copy the delta and the images,
 * restore there under a monitor; offline: stop, copy the delta, start there.
 * Until the destination says it runs the VPS, any failure thaws (or starts)
 * the source and cleans the destination; after, the source is removed. The
 * guard (migrate_guard.c) does the same when vps migrate itself is killed. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/template.h"
#include "runtime/migrate.h"
#include "runtime/vm/vm.h"
#include "specs/bundle.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/walk.h"

static const char *const phase_names[] = {"check",   "precopy", "freeze",  "dump", "copy",
					  "restore", "running", "cleanup", "done"};

const char *vps_mig_phase_name(enum mig_phase p)
{
	return (size_t)p < ARRAY_SIZE(phase_names) ? phase_names[p] : "?";
}

static void phase(struct mig *m, enum mig_phase p);
void vps_mig_phase(struct mig *m, enum mig_phase p)
{
	phase(m, p);
}

static void phase(struct mig *m, enum mig_phase p)
{
	m->phase = p;
	vps_mig_guard_phase(m, p);
	if (m->o->progress)
		fprintf(stderr, "migrate %s: %s (%llu bytes copied)\n", m->o->name,
			vps_mig_phase_name(p), (unsigned long long)m->bytes);
	const char *kill_at = getenv("VPS_MIGRATE_KILL_AT"); /* the tests' hook */
	if (kill_at && strcmp(kill_at, vps_mig_phase_name(p)) == 0)
		raise(SIGKILL);
}

/* the bundle's size: what the destination needs free */
static int add_size(struct vps_walk_entry *e, void *ctx)
{
	struct stat sb;
	if (e->when != VPS_WALK_OTHER && e->when != VPS_WALK_DIR_PRE)
		return 0;
	if (fstatat(e->dfd, e->name, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		*(uint64_t *)ctx += (uint64_t)sb.st_blocks * 512;
	return 0;
}

static uint64_t bundle_size(const char *bundle)
{
	uint64_t n = 0;
	struct vps_walk_opts wo = {.max_depth = 256, .keep_going = true};
	vps_walk_at(AT_FDCWD, bundle, &wo, add_size, &n);
	return n;
}

/* The VPS's status and whether live migration can take it. */
static int examine(struct mig *m, vps_err *err)
{
	const struct vps_migrate_opts *o = m->o;
	struct vps_state *st = NULL;
	struct oci_bundle *b = NULL;
	vps_err e;
	enum vps_status s = VPS_STOPPED;
	json_object *net;
	if (vps_state_load(o->root, o->name, &st, &e) == 0)
		s = vps_status_live(o->root, st);
	if (s == VPS_RUNNING && st->extra && json_object_object_get_ex(st->extra, "net", &net))
		m->net = json_object_get(net);
	vps_state_free(st);
	if (s == VPS_PAUSED || s == VPS_CREATING)
		return vps_errorx(err, EBUSY, "VPS %s is %s: resume it (or stop it) first", o->name,
				  vps_status_name(s));
	m->was_running = s == VPS_RUNNING;
	m->live = m->was_running && !o->offline;
	int r = oci_bundle_open(m->e->bundle, &b, err);
	if (r < 0)
		return r;
	const struct oci_spec *spec = b->spec;
	const char *why = NULL;
	m->idbase = vps_migrate_idbase(spec);
	if ((m->vm = vps_vm_requested(spec))) /* QEMU's migration: migrate_vm.c */
		why = vps_mig_vm_why(m, spec);
	oci_bundle_free(b);
	if (m->live && why)
		return vps_errorx(err, EOPNOTSUPP,
				  "live migration refused: %s; the VPS runs on here (use "
				  "--offline to stop, copy and start it)",
				  why);
	return 0;
}

static int setup(struct mig *m, vps_err *err)
{
	const struct vps_migrate_opts *o = m->o;
	ssize_t n = readlink("/proc/self/exe", m->self, sizeof(m->self) - 1);
	if (n <= 0)
		return vps_error(err, errno, "/proc/self/exe");
	m->self[n] = '\0';
	int r = vps_inv_load(o->inventory, o->name, &m->e, err);
	if (r < 0)
		return r;
	if (vps_snprintf(m->dbundle, sizeof(m->dbundle), "%s",
			 o->to_bundle ? o->to_bundle : m->e->bundle) < 0 ||
	    vps_snprintf(m->dimages, sizeof(m->dimages), "%s/%s", m->dbundle, MIG_IMAGES) < 0)
		return vps_errorx(err, ENAMETOOLONG, "--to-bundle: too long");
	if (m->dbundle[0] != '/')
		return vps_errorx(err, EINVAL, "--to-bundle %s: not an absolute path", m->dbundle);
	if (vps_mig_local(m) && strcmp(m->dbundle, m->e->bundle) == 0)
		return vps_errorx(err, EINVAL,
				  "the destination is this machine and its bundle would be the "
				  "source's (%s): give --to-bundle DIR",
				  m->dbundle);
	return examine(m, err);
}

static int check(struct mig *m, vps_err *err)
{
	char out[256], need[32], ids[16], net[4096];
	vps_snprintf(ids, sizeof(ids), "%u", m->idbase); /* fits: a number */
	/* fits: a number */
	vps_snprintf(need, sizeof(need), "%llu", (unsigned long long)bundle_size(m->e->bundle));
	int r = vps_mig_net_arg(m, net, sizeof(net), err);
	if (r < 0)
		return r;
	/* the network, when there is one, goes last (the far side: a 7th word) */
	r = vps_mig_far(m, out, sizeof(out), err, "check", m->o->name, m->dbundle, need,
			m->live && !m->vm ? "live" : "offline", ids, *net ? net : NULL, NULL);
	if (r < 0)
		return r;
	m->handover = strstr(out, "\nnet handover") != NULL;
	out[strcspn(out, "\n")] = '\0';
	if (m->o->version && strcmp(out, m->o->version) != 0)
		return vps_errorx(err, EPROTO, "destination runs vps %s, this is vps %s", out,
				  m->o->version);
	return 0;
}

/* where the dump goes: straight into the destination bundle on this machine */
static int image_dir(struct mig *m, char *dir, size_t sz, vps_err *err)
{
	int r = vps_mig_local(m) ? vps_snprintf(dir, sz, "%s", m->dimages)
				 : vps_snprintf(dir, sz, "%s/.%s.migrate", m->o->root, m->o->name);
	if (r < 0)
		return vps_errorx(err, ENAMETOOLONG, "image dir: too long");
	return vps_mkdir_p(dir, 0700, err);
}

/* frozen: the bundle's delta goes in bg while criu dumps (migrate_bg.c) */
static int dump(struct mig *m, const char *images, struct mig_bg *bg, vps_err *err)
{
	int r = vps_pause(m->o->root, m->o->name, err);
	if (r < 0 || (r = vps_mig_net_detach(m, err)) < 0 || /* frozen, then off the bridge */
	    (r = vps_mig_rsync_start(m, m->e->bundle, m->dbundle, bg, err)) < 0)
		return r;
	phase(m, MIG_DUMP);
	/* criu's log in the source's state dir: it outlives a refused dump */
	char work[PATH_MAX];
	if (vps_snprintf(work, sizeof(work), "%s/%s", m->o->root, m->o->name) < 0)
		return vps_errorx(err, ENAMETOOLONG, "state dir of %s: too long", m->o->name);
	struct vps_checkpoint_opts co = {
	    .root = m->o->root,
	    .id = m->o->name,
	    .leave_running = true, /* frozen until the end */
	    /* its connections move with it where it has a network (its netns
	     * keeps its addresses); an isolated one (lo only) has none to
	     * keep, and criu's network lock is skipped (criu_netlock.c) */
	    .tcp_if_networked = true,
	    .renew_netns = true,
	    .c = {.criu = m->o->criu, .image_path = images, .work_path = work}};
	if ((r = vps_checkpoint(&co, err)) < 0)
		vps_mig_why(err);
	return r;
}

static int receive(struct mig *m, const char *how, vps_err *err)
{
	char order[16], delay[16];
	vps_snprintf(order, sizeof(order), "%d", m->e->boot_order); /* fits: a number */
	vps_snprintf(delay, sizeof(delay), "%d", m->e->boot_delay); /* fits: a number */
	return vps_mig_far(m, NULL, 0, err, "receive", m->o->name, m->dbundle, how,
			   m->e->autostart ? "autostart" : "no-autostart", order, delay, NULL);
}

int vps_mig_receive(struct mig *m, const char *how, vps_err *err)
{
	return receive(m, how, err);
}

/* Everything up to the VPS running at the destination. */
static int move(struct mig *m, struct vps_migrate_result *res, vps_err *err)
{
	char images[PATH_MAX];
	long t;
	if (m->vm && m->live)
		return vps_mig_vm_move(m, res, err);
	phase(m, MIG_PRECOPY);
	int r = vps_mig_rsync(m, m->e->bundle, m->dbundle, err);
	if (r < 0 || (r = receive(m, "prepare", err)) < 0)
		return r;
	phase(m, MIG_FREEZE);
	long t_freeze = vps_now_ms();
	struct mig_bg bg = {.pid = -1, .fd = -1};
	if (m->live) {
		vps_err e2;
		if ((r = image_dir(m, images, sizeof(images), err)) == 0)
			r = dump(m, images, &bg, err);
		if (r < 0) {
			vps_mig_rsync_wait(m, &bg, &e2);
			return r;
		}
	} else if (m->was_running && (r = vps_stop(m->o->root, m->o->name, -1, err)) < 0)
		return r;
	res->dump_ms = vps_now_ms() - t_freeze;
	phase(m, MIG_COPY);
	t = vps_now_ms();
	r = m->live ? vps_mig_rsync_wait(m, &bg, err)
		    : vps_mig_rsync(m, m->e->bundle, m->dbundle, err);
	if (r < 0)
		return r;
	if (m->live && !vps_mig_local(m) && (r = vps_mig_rsync(m, images, m->dimages, err)) < 0)
		return r;
	if (m->live && (r = vps_mig_net_handover(m, err)) < 0)
		return r;
	res->copy_ms = vps_now_ms() - t;
	phase(m, MIG_RESTORE);
	t = vps_now_ms();
	r = receive(m, m->live ? "restore" : m->was_running ? "start" : "register", err);
	/* it runs there from the far side's "received" line (its images and
	 * mark are removed after it, out of the downtime) */
	long t_run = m->t_answer ? m->t_answer : vps_now_ms();
	res->restore_ms = t_run - t;
	res->downtime_ms = m->was_running ? t_run - t_freeze : 0;
	return r;
}

static void drop_images(struct mig *m)
{
	char path[PATH_MAX];
	if (!vps_mig_local(m) &&
	    vps_snprintf(path, sizeof(path), "%s/.%s.migrate", m->o->root, m->o->name) >= 0)
		vps_rm_tree_at(AT_FDCWD, path);
}

int vps_migrate(const struct vps_migrate_opts *o, struct vps_migrate_result *res, vps_err *err)
{
	_cleanup_free_ struct mig *mp = calloc(1, sizeof(*mp)); /* three paths */
	long t0 = vps_now_ms();
	*res = (struct vps_migrate_result){0};
	if (!mp)
		return vps_error(err, ENOMEM, "migrate %s", o->name);
	struct mig *m = mp;
	*m = (struct mig){.o = o, .guard = -1};
	int r = vps_id_validate(o->name, err);
	if (r == 0)
		r = setup(m, err);
	if (r == 0) {
		phase(m, MIG_CHECK);
		r = check(m, err);
	}
	if (r == 0 && (r = vps_mig_guard_start(m, err)) == 0) {
		if ((r = move(m, res, err)) < 0) {
			vps_err e2, first = *err;
			if (vps_mig_settle(m, &e2) < 0)
				vps_errorx(err, first.code, "%s (and undoing it: %s)", first.msg,
					   e2.msg);
		} else {
			phase(m, MIG_RUNNING);
			phase(m, MIG_CLEANUP);
			r = vps_mig_settle(m, err);
		}
		vps_mig_guard_done(m);
	}
	drop_images(m);
	res->bytes = m->bytes;
	res->total_ms = vps_now_ms() - t0;
	vps_inv_free(m->e);
	json_object_put(m->net);
	return r;
}
