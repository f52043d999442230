/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps migrate's parts, private to runtime/migrate*.c: the far side (the
 * destination's vps and rsync, over ssh or on this machine: migrate_far.c),
 * the guard that finishes or undoes a migration whose vps was killed
 * (migrate_guard.c) and the phases (migrate.c). */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/inventory.h"
#include "util/argv.h"

/* The phases, in order; VPS_MIGRATE_KILL_AT=NAME (a test hook) SIGKILLs vps
 * migrate as it enters one. */
enum mig_phase {
	MIG_CHECK,   /* the destination is asked; nothing made yet */
	MIG_PRECOPY, /* the bundle is copied while the VPS runs (or after it stopped) */
	MIG_FREEZE,  /* the VPS is frozen (live) */
	MIG_DUMP,    /* CRIU dumps it, frozen */
	MIG_COPY,    /* the final delta and the images */
	MIG_RESTORE, /* the destination restores (or starts) it */
	MIG_RUNNING, /* the destination confirmed: it runs there */
	MIG_CLEANUP, /* the source goes */
	MIG_DONE
};
const char *vps_mig_phase_name(enum mig_phase p);

#define MIG_MARK   ".vps-migrate-incoming" /* in the destination bundle while it is ours */
#define MIG_IMAGES ".vps-migrate-images"   /* the checkpoint, in the destination bundle */

struct mig {
	const struct vps_migrate_opts *o;
	struct vps_inv_entry *e; /* the source's record */
	char self[4096];	 /* this vps binary (the far side, on this machine) */
	char dbundle[4096];	 /* the bundle's path at the destination */
	char dimages[4200];	 /* DBUNDLE/MIG_IMAGES */
	bool was_running, live;
	bool vm;	 /* a --vm VPS: QEMU's migration (migrate_vm.c) */
	bool inplace;	 /* vps_mig_rsync writes into the files (a VM's image QEMU holds) */
	uint32_t idbase; /* the mapped VPS's first host id (its range moves too), 0: none */
	enum mig_phase phase;
	uint64_t bytes;	  /* copied */
	json_object *net; /* the running source's extra["net"] (its network), or NULL */
	bool handover;	  /* the destination shares its network: hand it over (migrate_net.c) */
	long t_answer;	  /* when the last vps_mig_far's stdout began (vps_now_ms), 0: none */
	int guard;	  /* the pipe to the guard, or -1 */
	pid_t guard_pid;  /* or 0 */
};

/* Run the destination's `vps migrate-recv OP ARGS...` (NULL-terminated);
 * its stdout in out (bounded, may be NULL). A failure carries its stderr. */
int vps_mig_far(struct mig *m, char *out, size_t out_sz, vps_err *err, const char *op, ...)
    __attribute__((sentinel));
/* The same, left running (migrate_vm.c's vm-listen, which carries QEMU's
 * stream): its stdin from in (-1: /dev/null). ready: its first line came
 * (else it ended: its error); wait: its end and result, SIGTERMed once it
 * is silent for wait_ms (0: at once, -1: never; a no-op when none runs). */
struct mig_far {
	pid_t pid; /* -1: none */
	int out, errfd;
	int wait_ms; /* collect's bound, -1: none */
};
int vps_mig_far_start(struct mig *m, int in, struct mig_far *f, vps_err *err, const char *op, ...)
    __attribute__((sentinel));
int vps_mig_far_ready(struct mig *m, struct mig_far *f, vps_err *err);
int vps_mig_far_wait(struct mig *m, struct mig_far *f, int wait_ms, vps_err *err);
/* rsync src/ to the destination's dst/ (incremental, ids and links kept,
 * the migration's own files left alone); adds the bytes sent to m->bytes. */
int vps_mig_rsync(struct mig *m, const char *src, const char *dst, vps_err *err);
/* The same in a child (migrate_bg.c), started before the dump and waited
 * for after it: bg holds its pid and result pipe (pid -1: none). */
struct mig_bg {
	pid_t pid;
	int fd;
};
int vps_mig_rsync_start(struct mig *m, const char *src, const char *dst, struct mig_bg *bg,
			vps_err *err);
int vps_mig_rsync_wait(struct mig *m, struct mig_bg *bg, vps_err *err);
/* CRIU refused the dump (err from vps_checkpoint): say which resource, and
 * that --offline will do (migrate_why.c). */
void vps_mig_why(vps_err *err);
/* The VPS network (migrate_net.c): the check's network argument into buf
 * ("" without m->net); at freeze the source's host veth off the bridge;
 * before the restore, the handover when m->handover; undoing, the source's
 * network back (a no-op before the freeze); the destination's announcement
 * of the restored VPS's MAC (failures only logged). */
int vps_mig_net_arg(struct mig *m, char *buf, size_t size, vps_err *err);
int vps_mig_net_detach(struct mig *m, vps_err *err);
int vps_mig_net_handover(struct mig *m, vps_err *err);
int vps_mig_net_back(struct mig *m, vps_err *err);
void vps_mig_announce(const char *root, const char *name);
/* migrate.c's phase step (guard, progress, the tests' kill hook) and the
 * destination's `receive NAME BUNDLE HOW ...` of the VPS in m. */
void vps_mig_phase(struct mig *m, enum mig_phase p);
int vps_mig_receive(struct mig *m, const char *how, vps_err *err);
/* bundle carries the mark of a migration made here (migrate_recv.c). */
bool vps_mig_marked(const char *bundle);

/* migrate_vm.c: a running --vm VPS. why: NULL, or why it cannot move live;
 * move: the phases up to it running at the destination; back: the source's
 * guest runs again (a migration cancelled); end: the source's QEMU quits;
 * resumed (the destination's receive vm): the guest runs there. */
struct oci_spec;
const char *vps_mig_vm_why(const struct mig *m, const struct oci_spec *spec);
struct vps_migrate_result;
int vps_mig_vm_move(struct mig *m, struct vps_migrate_result *res, vps_err *err);
int vps_mig_vm_back(struct mig *m, vps_err *err);
void vps_mig_vm_end(struct mig *m);
int vps_mig_vm_resumed(const char *root, const char *name, vps_err *err);

/* The destination is this machine (--to-root without a host). */
static inline bool vps_mig_local(const struct mig *m)
{
	return !m->o->dest;
}

/* Undo what a migration did up to m->phase (before MIG_RUNNING: the source
 * thawed or started again, the destination's bundle, record and container
 * gone) or finish it (from MIG_RUNNING: the source removed). */
int vps_mig_settle(struct mig *m, vps_err *err);
/* The guard: a child that settles the migration if vps migrate dies before
 * saying it is done. vps_mig_guard_phase tells it each phase. */
int vps_mig_guard_start(struct mig *m, vps_err *err);
void vps_mig_guard_phase(struct mig *m, enum mig_phase p);
void vps_mig_guard_done(struct mig *m);
