/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hardware-VM isolation (`--vm`, annotation org.vps.isolation=vm): the bundle's
 * rootfs shared over virtio-9p into a QEMU microVM whose PID 1 is our static
 * guest init (runtime/vm/guest). QEMU is the container's pid; the main
 * process's stdio is QEMU's; start/kill/exec go over virtio-serial sockets in
 * the container's state dir. Nothing is ever written into the bundle: the
 * initramfs, sockets and logs live in the state dir (ROOT/ID). */
#pragma once
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups/cgroup.h"
#include "specs/spec.h"
#include "util/err.h"

#define VPS_VM_ANNOTATION "org.vps.isolation"

/* The spec asks for VM isolation (annotation org.vps.isolation=vm). */
bool vps_vm_requested(const struct oci_spec *spec);

/* ---- kernel.c ---- */
struct vps_vm_kernel {
	char path[PATH_MAX];   /* ELF vmlinux, booted by PVH */
	char release[128];     /* uname -r inside the guest */
	char kind[16];	       /* "vps" (make vm-kernel), "debian" (host package), "custom" */
	char moddir[PATH_MAX]; /* /lib/modules/REL/kernel when modules are needed, else "" */
};
const char *vps_vm_cache_dir(void); /* $VPS_VM_CACHE or /var/cache/vps */
int vps_vm_kernel_find(struct vps_vm_kernel *k, vps_err *err);
/* The same without extracting a Debian vmlinux (for reports). */
int vps_vm_kernel_locate(struct vps_vm_kernel *k, vps_err *err);

/* ---- accel.c ---- */
enum vps_vm_accel { VPS_VM_TCG, VPS_VM_KVM };
/* KVM when a KVM guest actually boots (a probe boot, bounded in time), else
 * TCG with a one-line notice. Cached in ROOT/vm-accel; $VPS_VM_ACCEL forces one. */
int vps_vm_accel(const char *root, const struct vps_vm_kernel *k, enum vps_vm_accel *out,
		 vps_err *err);
const char *vps_vm_accel_name(enum vps_vm_accel a);
const char *vps_vm_qemu_binary(void); /* $VPS_QEMU or qemu-system-x86_64 */

/* ---- initramfs.c / guestconf.c ---- */
/* The VM's configuration records (see runtime/vm/proto.h), sent over ctl at
 * the guest's wait point; disk: the root is the VPS's disk image on virtio-blk
 * (org.vps.disk), not 9p. */
int vps_vm_guestconf(const struct oci_spec *spec, bool disk, bool debug, char **buf, size_t *len,
		     vps_err *err);
/* The initramfs's /vps.conf: only what every VM of the shape shares (modules). */
int vps_vm_bootconf(const struct vps_vm_kernel *k, bool disk, char **buf, size_t *len,
		    vps_err *err);
/* Records for an exec'd process. */
int vps_vm_procconf(const struct oci_process *p, char **buf, size_t *len, vps_err *err);
/* Write dirfd/vm-initramfs: the guest init, /vps.conf (vps_vm_bootconf) and the
 * kernel's modules: generic, the same for every VM of one machine shape. */
int vps_vm_initramfs(int dirfd, const struct vps_vm_kernel *k, bool disk, vps_err *err);
/* The modules (file names under k->moddir, in load order) a Debian kernel
 * needs; with disk also virtio_blk and ext4's. */
const char *const *vps_vm_modules(const struct vps_vm_kernel *k, bool disk, size_t *n);
extern const unsigned char vps_vm_guest_init[]; /* embedded by runtime/vm/vm.mk */
extern const unsigned char vps_vm_guest_init_end[];

/* ---- qemu.c ---- */
struct vps_vm_launch {
	const char *dir; /* state dir ROOT/ID (absolute) */
	int rootfs_fd;	 /* the bundle's rootfs, opened without following symlinks */
	int disk_fd;	 /* the VPS's disk image (O_RDWR, checked, locked): virtio-blk
			  * root instead of the 9p share; -1: none */
	const struct oci_spec *spec;
	const struct vps_vm_kernel *kernel;
	enum vps_vm_accel accel;
	uint64_t ram_mib;      /* vps_vm_ram_mib */
	struct vps_cgroup *cg; /* QEMU is moved here before it runs; may be NULL */
	int stdin_sock;	       /* QEMU's end of the stdin (or, with a terminal, the tty)
				* socket that vps relays; -1: none */
	bool detach;	       /* create: own session, outlives us */
	bool debug;
	/* snapshot.c */
	const char *initrd;   /* NULL: vm-initramfs in dir */
	const char *mem_path; /* RAM in this file (no ','); NULL: anonymous */
	bool mem_share;	      /* the file mapped shared (save), else private (restore) */
	bool qmp;	      /* -qmp on dir/vm-qmp.sock */
	int state_fd;	      /* restore: the saved device state (-incoming defer); -1: none */
	bool incoming;	      /* migrate.c: -incoming defer -S, the state comes from a source */
};
/* PATH search for name (QEMU) into out. */
int vps_vm_find_binary(const char *name, char *out, size_t cap);
#define VPS_VM_STATE_QFD 11 /* QEMU's fd of launch.state_fd */
/* Start QEMU; *pid is the container's pid. */
int vps_vm_spawn(const struct vps_vm_launch *l, pid_t *pid, vps_err *err);
/* confine.c: the nosuid,nodev detached clone of the rootfs QEMU shares with the
 * guest (an fd, or -errno); QEMU's reduced bounding set, no_new_privs and a
 * seccomp filter against set-id modes (0 or -errno; run in QEMU's child). */
int vps_vm_share_fd(int rootfs_fd, bool readonly);
int vps_vm_drop_privs(void);
/* memory.c: the guest's RAM for the spec's memory limit (which also holds
 * QEMU), or a clear error when the limit is too small; the error for a QEMU the
 * OOM killer ended (0 when it was not the OOM killer). */
#define VPS_VM_TCG_TB_MIB 64 /* QEMU's TCG translation cache (qemu.c: -accel tcg,tb-size) */
uint64_t vps_vm_min_limit_mib(enum vps_vm_accel a);
int vps_vm_ram_mib(const struct oci_spec *spec, enum vps_vm_accel a, uint64_t *mib, vps_err *err);
int vps_vm_oom_explain(struct vps_cgroup *cg, const struct oci_spec *spec, enum vps_vm_accel a,
		       vps_err *err);
/* Once QEMU is gone: did the OOM killer end it (cg's oom_kill count; the
 * cgroup holds QEMU alone)? Then buf says so, with the cgroup's limit:
 * "the VM was killed by the OOM killer (memory limit 256M)". */
bool vps_vm_oom_ended(struct vps_cgroup *cg, char *buf, size_t cap);

/* ---- snapshot.c: VM templating (see there) ---- */
#define VPS_VM_SNAPSHOT_ANNOTATION "org.vps.vm.snapshot" /* "on" | "off" */
const char *vps_vm_snapshot_dir(void); /* $VPS_VM_SNAPSHOTS or CACHE/vm-snap ("" if too long) */
/* Whether this start uses a snapshot: yes unless the annotation, else
 * $VPS_VM_SNAPSHOT, is "off"; never with cold (--vm-cold). */
bool vps_vm_snapshot_wanted(const struct oci_spec *spec, bool cold);
/* The cache key of l's machine shape: 16 hex digits. */
void vps_vm_snapshot_key(const struct vps_vm_launch *l, char key[17]);
/* dir = the snapshot for l's shape, built now (*built) if there was none. */
int vps_vm_snapshot_ensure(const struct vps_vm_launch *l, char dir[PATH_MAX], bool *built,
			   vps_err *err);
/* After spawning QEMU with state_fd: start loading the state over QMP (QEMU
 * runs the guest once it is loaded, or exits if it does not load). */
int vps_vm_snapshot_resume(const char *dir, vps_err *err);
/* Remove a snapshot that failed to restore (the next start rebuilds it). */
void vps_vm_snapshot_drop(const char *dir);

/* ---- qmp.c: QEMU's monitor (DIR/vm-qmp.sock), bounded waits ---- */
struct vps_vm_qmp {
	int fd;
	size_t len;
	char buf[4096], line[4096];
};
/* Connect (retrying until QEMU made the socket) and negotiate capabilities. */
int vps_vm_qmp_open(struct vps_vm_qmp *q, const char *dir, long timeout_ms, vps_err *err);
/* One command (JSON text); pass_fd >= 0 goes along (SCM_RIGHTS). The reply's
 * line stays in q->line; an "error" reply is an error naming the command. */
int vps_vm_qmp(struct vps_vm_qmp *q, const char *cmd, int pass_fd, long timeout_ms, vps_err *err);
/* n commands in one write (QMP answers in order), then their n replies. */
int vps_vm_qmp_batch(struct vps_vm_qmp *q, const char *const *cmds, size_t n, long timeout_ms,
		     vps_err *err);

/* ---- ctl.c (host side of the agent protocol) ---- */
/* --debug: "vm: +N ms what" since the first mark (what NULL: restart the clock). */
void vps_vm_mark(const char *what);
/* Wait until the guest answers; at its wait point send conf (len bytes of
 * records, plus a fresh RNG seed) and wait for the agent (the VM is set up and
 * waits for start). conf NULL: return at the wait point. restored: the guest
 * is at its wait point already (a snapshot), conf goes without a PING first.
 * At most limit_s seconds ($VPS_VM_BOOT_TIMEOUT overrides); QEMU exiting ends
 * it at once. */
int vps_vm_wait_ready(const char *dir, pid_t qemu, const char *conf, size_t len, bool restored,
		      long limit_s, vps_err *err);
int vps_vm_start(const char *dir, vps_err *err);
int vps_vm_kill(const char *dir, int sig, vps_err *err);
/* The main process's terminal (process.terminal) takes this size. */
int vps_vm_resize(const char *dir, unsigned rows, unsigned cols, vps_err *err);
/* Run p inside the VM with our stdio relayed; *status as for run. */
int vps_vm_exec(const char *dir, const struct oci_process *p, int *status, vps_err *err);
/* The main process's status once QEMU is gone: the guest's report (DIR/exit),
 * else QEMU's isa-debug-exit code, else 128+signal of QEMU. wstatus from waitpid
 * or -1 when QEMU was not our child. A QEMU the OOM killer ended (cg: its cgroup,
 * may be NULL) is named as such in the warning. */
int vps_vm_exit_status(const char *dir, int wstatus, struct vps_cgroup *cg, int *status,
		       vps_err *err);
/* The status the guest reported for its main process (DIR/vm-exit, written
 * before the VM powers off); false while there is none. */
bool vps_vm_reported_exit(const char *dir, int *status);

/* ---- run.c: the flows the lifecycle dispatches to ---- */
struct vps_vm_run_opts {
	const char *root, *id, *bundle; /* bundle absolute */
	const struct oci_spec *spec;
	struct vps_cgroup *cg; /* may be NULL */
	const char *dir;       /* state dir ROOT/ID, exists (0700) */
	int dirfd;
	bool detach, debug;
	bool cold;     /* --vm-cold: never from a snapshot */
	bool incoming; /* vps migrate's destination: wait for the source's state (migrate.c) */
};
struct vps_vm_handle {
	pid_t pid; /* QEMU: the container's pid */
	int in_fd; /* foreground: our end of the stdin (or tty) socket, else -1 */
	bool tty;
	char kernel[160]; /* "RELEASE (KIND)" of the booted kernel */
	char accel[8];
	char start[16];	       /* "cold", "snapshot" or "snapshot-built" */
	struct vps_cgroup *cg; /* QEMU's (borrowed), for an OOM kill's name; may be NULL */
};
/* Boot the VM and wait until its agent is ready. */
int vps_vm_create(const struct vps_vm_run_opts *o, struct vps_vm_handle *h, vps_err *err);
/* Foreground: relay stdin, forward signals to the guest (with a terminal, ours
 * is raw meanwhile), wait for QEMU; *status = the main process's. Closes in_fd. */
int vps_vm_wait(const char *dir, struct vps_vm_handle *h, int *status, vps_err *err);
/* ---- migrate.c: QEMU's live migration for vps migrate (runtime/migrate_vm.c) ---- */
/* Destination: QEMU spawned (l->incoming), its monitor up; on failure QEMU
 * is gone. feed: it reads the source's stream from fd (a pipe or the ssh
 * channel; QEMU keeps its own copy); run: the state loaded (bounded wait),
 * and with go the guest runs. */
int vps_vm_incoming(const struct vps_vm_run_opts *o, const struct vps_vm_launch *l,
		    struct vps_vm_handle *h, vps_err *err);
int vps_vm_incoming_feed(const char *dir, int fd, vps_err *err);
/* run.c: QEMU's first complaint in DIR/vm-qemu.log (a restore's, an
 * incoming migration's) added to err's message. */
void vps_vm_qemu_said(int dirfd, vps_err *err);
int vps_vm_incoming_run(const char *dir, bool go, vps_err *err);
struct vps_vm_mig {
	struct vps_vm_qmp q; /* the source's monitor; fd -1: not open */
	long stopped_ms;     /* when the source's guest was stopped */
	uint64_t ram_bytes;  /* RAM sent */
};
/* Source: stop the guest in DIR (its disk flushed). */
int vps_vm_mig_stop(struct vps_vm_mig *mg, const char *dir, vps_err *err);
/* Source: send its RAM and device state over fd (connected to the
 * destination's socket) and wait until all is sent. */
int vps_vm_mig_send(struct vps_vm_mig *mg, int fd, vps_err *err);
/* Source: cancel a migration and run the VM again (nothing when it runs). */
int vps_vm_mig_back(const char *dir, vps_err *err);
/* Source: QEMU told to quit (after a migration it holds a stopped VM). */
void vps_vm_mig_quit(const char *dir);
void vps_vm_mig_close(struct vps_vm_mig *mg);

/* ---- lifecycle.c: what runtime/ (core) dispatches to for a VM container ---- */
struct vps_state;
/* The container is a VM (state.json extra["vm"]). */
bool vps_vm_state(const struct vps_state *st);
/* kill: through the agent; SIGKILL falls back to killing QEMU. */
int vps_vm_signal(const char *root, const struct vps_state *st, int sig, vps_err *err);

/* vps_vm_describe (`vps --version`, `vps features`) is declared in runtime/runtime.h. */
