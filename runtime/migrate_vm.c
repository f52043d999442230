/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps migrate of a running --vm VPS: QEMU's own live migration instead of
 * CRIU (the QMP side is runtime/vm/migrate.c). Its root must be a disk image
 * (org.vps.disk, virtio-blk): QEMU refuses to migrate a guest that has a 9p
 * export mounted (virtio-9p's migration blocker, "Migration is disabled when
 * VirtFS export path ... is mounted in the guest"), and a 9p root can never
 * be unmounted. Phases: check; precopy: rsync the bundle (the image too)
 * while the VM runs, then the destination's `vps migrate-recv vm-listen`
 * (over ssh, or this vps on this machine) creates the VPS's container with
 * a QEMU of the same shape and hands it its stdin to read the state from;
 * it says "ready" and stays until the state is loaded. Its stdin is a pipe
 * from here, so QEMU's stream goes through the ssh connection vps already
 * uses (no port, no forwarding, no daemon: the same path on this machine).
 * freeze: the source's guest stopped (QMP stop, its disk flushed); copy:
 * rsync --inplace the image's last changes into the file the destination's
 * QEMU holds; restore: QEMU sends the RAM and device state into the pipe,
 * vm-listen ends once the destination loaded it, then receive vm runs the
 * guest there; then the source's QEMU quits and the source is removed. Any
 * failure before that cancels the migration and runs the source's guest
 * again (vps_mig_settle). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <poll.h>
#include <unistd.h>

#include "rootfs/disk.h"
#include "runtime/internal.h"
#include "runtime/migrate.h"
#include "runtime/store.h"
#include "runtime/vm/vm.h"
#include "runtime/vm/wire.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/fmt.h"

const char *vps_mig_vm_why(const struct mig *m, const struct oci_spec *spec)
{
	if (!oci_annotation(spec, VPS_ANN_DISK))
		return "a --vm VPS whose root is its bundle's directory over 9p: QEMU refuses to "
		       "migrate a guest with a 9p export mounted, and the root cannot be "
		       "unmounted (a VPS on a disk image, vps bundle --disk, moves live)";
	(void)m;
	return NULL;
}

static int state_dir(const char *root, const char *name, char *dir, size_t cap, vps_err *err)
{
	if (vps_snprintf(dir, cap, "%s/%s", root, name) < 0)
		return vps_errorx(err, ENAMETOOLONG, "state dir of %s under %s: too long", name,
				  root);
	return 0;
}

#define LOAD_MS	  (120 * 1000) /* the destination's load of what QEMU sent: silent at most */
#define FAILED_MS 10000	       /* its answer after the source failed to send */

/* Frozen, the disk's last changes copied: QEMU sends the state into fd, the
 * destination confirms it loaded it (far, ended) and runs it. */
static int send_state(struct mig *m, struct vps_vm_mig *mg, int fd, struct mig_far *far,
		      struct vps_migrate_result *res, vps_err *err)
{
	vps_err fe = {0};
	long t = vps_now_ms();
	int r = vps_vm_mig_send(mg, fd, err);
	close(fd);			 /* QEMU holds its copy until the end */
	res->dump_ms = vps_now_ms() - t; /* RAM and device state */
	t = vps_now_ms();
	/* failed here: it ends soon, QEMU's copy of the pipe closed (or not) */
	if (vps_mig_far_wait(m, far, r < 0 ? FAILED_MS : LOAD_MS, &fe) < 0) {
		if (r < 0) { /* the destination's reason first */
			vps_err se = *err;
			return vps_errorx(err, fe.code, "%s; %s", fe.msg, se.msg);
		}
		*err = fe;
		return -fe.code;
	}
	if (r == 0)
		r = vps_mig_receive(m, "vm", err);
	res->restore_ms = vps_now_ms() - t;
	res->downtime_ms = vps_now_ms() - mg->stopped_ms;
	m->bytes += mg->ram_bytes;
	return r;
}

/* far: the destination's vm-listen, reading the stream from p's read end */
static int move(struct mig *m, struct vps_vm_mig *mg, int p[2], struct mig_far *far,
		struct vps_migrate_result *res, vps_err *err)
{
	char dir[PATH_MAX];
	vps_mig_phase(m, MIG_PRECOPY);
	int r = vps_mig_rsync(m, m->e->bundle, m->dbundle, err);
	if (r < 0 || (r = state_dir(m->o->root, m->o->name, dir, sizeof(dir), err)) < 0)
		return r;
	if (pipe2(p, O_CLOEXEC) < 0)
		return vps_error(err, errno, "pipe");
	r = vps_mig_far_start(m, p[0], far, err, "vm-listen", m->o->name, m->dbundle, NULL);
	vps_closep(&p[0]);
	if (r < 0 || (r = vps_mig_far_ready(m, far, err)) < 0)
		return r;
	vps_mig_phase(m, MIG_FREEZE);
	if ((r = vps_vm_mig_stop(mg, dir, err)) < 0)
		return r;
	vps_mig_phase(m, MIG_COPY);
	long t = vps_now_ms();
	m->inplace = true; /* into the image the destination's QEMU has open */
	r = vps_mig_rsync(m, m->e->bundle, m->dbundle, err);
	m->inplace = false;
	res->copy_ms = vps_now_ms() - t;
	if (r < 0)
		return r;
	vps_mig_phase(m, MIG_RESTORE);
	return send_state(m, mg, take_fd(p[1]), far, res, err);
}

int vps_mig_vm_move(struct mig *m, struct vps_migrate_result *res, vps_err *err)
{
	struct vps_vm_mig *mg = calloc(1, sizeof(*mg)); /* two QMP buffers */
	if (!mg)
		return vps_error(err, ENOMEM, "migrate %s", m->o->name);
	mg->q.fd = -1;
	res->vm = true;
	int p[2] = {-1, -1};
	struct mig_far far = {.pid = -1};
	vps_err e = {0};
	int r = move(m, mg, p, &far, res, err);
	vps_closep(&p[1]);
	vps_mig_far_wait(m, &far, 0, &e); /* failed before the end: it goes */
	vps_vm_mig_close(mg);
	free(mg);
	return r;
}

int vps_mig_vm_back(struct mig *m, vps_err *err)
{
	char dir[PATH_MAX];
	int r = state_dir(m->o->root, m->o->name, dir, sizeof(dir), err);
	return r < 0 ? r : vps_vm_mig_back(dir, err);
}

/* The source's QEMU, stopped for good after the migration, told to quit
 * (its agent cannot answer a stop); killed if it does not within 5 s. */
void vps_mig_vm_end(struct mig *m)
{
	char dir[PATH_MAX];
	struct vps_state *st = NULL;
	vps_err e = {0};
	int pidfd = -1;
	if (state_dir(m->o->root, m->o->name, dir, sizeof(dir), &e) < 0 ||
	    vps_state_load(m->o->root, m->o->name, &st, &e) < 0)
		return;
	if (vps_state_pidfd(st, &pidfd, &e) == 0) {
		vps_vm_mig_quit(dir);
		struct pollfd p = {.fd = pidfd, .events = POLLIN};
		if (poll(&p, 1, 5000) == 0)
			pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
		close(pidfd);
	}
	vps_state_free(st);
}

/* ---- the destination's side ---- */

int vps_migrate_vm_listen(const char *root, const char *name, const char *bundle, vps_err *err)
{
	char dir[PATH_MAX];
	if (!vps_mig_marked(bundle))
		return vps_errorx(err, EINVAL, "bundle %s: not one a migration made here", bundle);
	int r = state_dir(root, name, dir, sizeof(dir), err);
	if (r < 0)
		return r;
	struct vps_create_opts co = {
	    .root = root, .id = name, .bundle = bundle, .vm = true, .vm_incoming = true};
	/* QEMU gets our stdio, the source's pipes (over ssh, the channel): it must
	 * not hold them open, so /dev/null meanwhile */
	_cleanup_close_ int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int keep[3] = {-1, -1, -1};
	r = null < 0 ? vps_error(err, errno, "/dev/null") : 0;
	for (int i = 0; i < 3 && r == 0; i++)
		if ((keep[i] = fcntl(i, F_DUPFD_CLOEXEC, 3)) < 0 || dup2(null, i) < 0)
			r = vps_error(err, errno, "vm: stdio for QEMU");
	if (r == 0)
		r = vps_create(&co, err);
	for (int i = 0; i < 3; i++)
		if (keep[i] >= 0)
			dup2(keep[i], i), close(keep[i]);
	/* the stream: our stdin, QEMU's from now on */
	return r < 0 ? r : vps_vm_incoming_feed(dir, 0, err);
}

int vps_migrate_vm_loaded(const char *root, const char *name, vps_err *err)
{
	char dir[PATH_MAX];
	vps_err e;
	int r = state_dir(root, name, dir, sizeof(dir), err);
	/* failed: its guest never ran; QEMU goes (at an early EOF QEMU 7.2
	 * spins instead of failing) */
	if (r == 0 && (r = vps_vm_incoming_run(dir, false, err)) < 0)
		vps_delete(root, name, true, &e);
	return r;
}

int vps_mig_vm_resumed(const char *root, const char *name, vps_err *err)
{
	char dir[PATH_MAX];
	int dirfd = -1, lockfd = -1;
	struct vps_state *st = NULL;
	int r = state_dir(root, name, dir, sizeof(dir), err);
	if (r == 0)
		r = vps_container_load(root, name, &dirfd, &lockfd, &st, err);
	if (r < 0)
		return r;
	if (!vps_vm_state(st) || st->status != VPS_CREATED)
		r = vps_errorx(err, EINVAL, "%s: not a VM waiting for a migration", name);
	if (r == 0 && (r = vps_vm_incoming_run(dir, true, err)) == 0) {
		st->status = VPS_RUNNING;
		r = vps_state_save_at(dirfd, st, err);
	}
	vps_state_free(st);
	close(dirfd);
	close(lockfd);
	return r;
}
