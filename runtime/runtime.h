/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container lifecycle API (runc's verbs). cli/ and the other faces (VPS
 * face, VM mode, engines) call these; none of them prints or exits. Every call
 * takes the state root (--root) and fills a caller-owned vps_err on failure. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroups/stats_types.h"
#include "specs/spec.h"
#include "specs/state.h"
#include "util/err.h"

#define VPS_DEFAULT_ROOT "/run/vps" /* the state root without --root */
/* the VPS face's persistent records without --inventory or $VPS_INVENTORY */
#define VPS_DEFAULT_INVENTORY "/var/lib/vps"

/* ---- Reading the store (runtime/store.c, status.c). ---- */
/* ROOT/ID/state.json (free with vps_state_free). */
int vps_state_load(const char *root, const char *id, struct vps_state **out, vps_err *err);
/* A VPS whose root is a disk image (org.vps.disk; its rootfs dir is only the
 * mount point): path gets /proc/self/fd/N of *hold, the root of the running
 * VPS (its init's, checked against pid reuse) or of its image mounted
 * detached (stopped; checked like at create). Not a disk VPS: 0, path "". */
int vps_disk_root_running(const struct vps_state *st, char *path, size_t cap, int *hold,
			  vps_err *err);
int vps_disk_root_stopped(const char *bundle, const struct oci_spec *spec, char *path, size_t cap,
			  int *hold, vps_err *err);
/* A VPS's own disk (org.vps.disk, org.vps.disk.project): its size and use in
 * bytes, as df inside shows them while it runs, from the image while stopped
 * (counting ext4's own metadata), its project quota (the dir backend). has: false when the
 * VPS has no disk of its own (its root is a directory on the host). */
struct vps_disk_use {
	bool has;
	uint64_t size, used;
};
/* Of container id under root. */
int vps_disk_use(const char *root, const char *id, struct vps_disk_use *u, vps_err *err);
/* NULL-terminated, sorted list of ids (malloc'ed strv). */
int vps_store_list(const char *root, char ***ids, vps_err *err);
/* The status now: `created` stays created until start; a dead or reused pid
 * means stopped; a container still being made (no state.json yet) is
 * `creating` while its creator holds the lock, else stopped. root is the
 * state root (for the lock check). Running vs. paused comes from the
 * cgroup freezer (cgroups/ vps_cgroup_is_frozen), the recorded status if
 * the cgroup cannot be read. A caller that holds the container's lock itself
 * passes root NULL: then nobody else can be creating it, so a container
 * without state.json is stopped (its creator died). */
enum vps_status vps_status_live(const char *root, const struct vps_state *st);

struct vps_create_opts {
	const char *root; /* state root (--root) */
	const char *id;
	const char *bundle;	    /* NULL: "." */
	const char *console_socket; /* send the pty master here (process.terminal) */
	const char *pid_file;	    /* written before create returns */
	bool no_pivot;		    /* MS_MOVE + chroot instead of pivot_root */
	bool no_new_keyring;	    /* keep the caller's session keyring */
	bool keep;		    /* run: do not delete the container when it exits */
	unsigned preserve_fds;	    /* pass fds 3 .. 3+N-1 to the container */
	bool systemd_cgroup;
	/* with systemd_cgroup and no cgroupsPath: the slice of the container's
	 * scope (NULL: system.slice, as runc) */
	const char *systemd_slice;
	bool vm;	  /* --vm: run the bundle in a microVM (runtime/vm) */
	bool vm_cold;	  /* --vm-cold: the same, booted fresh (no snapshot) */
	bool vm_incoming; /* vps migrate's destination: a VM waiting for the source's state */
	/* the inventory (--inventory) a VPS-face bundle (annotation org.vps.name)
	 * is registered in (runtime/inventory.h); NULL: none */
	const char *inventory;
};

/* Create the container and leave its init blocked on the exec barrier. */
int vps_create(const struct vps_create_opts *o, vps_err *err);
/* Release the barrier; the init execs process.args. Reports exec failures. */
int vps_start(const char *root, const char *id, vps_err *err);

/* create + start. detach: return once started (like create, the container
 * outlives us). Otherwise stay in the foreground: stdio passes through (or the
 * pty is relayed when process.terminal), signals are forwarded, and on exit the
 * container is deleted and *exit_status is its status (128+N for signal N). */
int vps_run(const struct vps_create_opts *o, bool detach, int *exit_status, vps_err *err);

/* How a VPS's init ended (runtime/end.c): reboot(2) in its own pid namespace
 * kills it with SIGINT (halt, poweroff) or SIGHUP (reboot). */
enum vps_end_kind {
	VPS_END_RUNNING,  /* no status yet */
	VPS_END_POWEROFF, /* killed by SIGINT: halt or poweroff inside */
	VPS_END_REBOOT,	  /* killed by SIGHUP: reboot inside */
	VPS_END_EXIT,	  /* exited (its status is its own) */
	VPS_END_KILLED	  /* another signal (vps kill, the OOM killer) */
};
/* From a waitpid status; -1 (no status): running. */
enum vps_end_kind vps_init_end_kind(int wstatus);
/* From an exit status as run and state.json's exitStatus give it (128+N for
 * signal N; -1: none yet). */
enum vps_end_kind vps_end_kind_of_status(int exit_status);
const char *vps_end_kind_name(enum vps_end_kind k); /* "poweroff", "reboot", ... */
/* The reaper of a container's init (pid) records how it ended in state.json
 * (exitStatus); refused if the state names another init. */
int vps_record_end(const char *root, const char *id, pid_t pid, int wstatus, vps_err *err);

struct vps_exec_opts {
	const char *root, *id;
	const char *process_json;  /* -p FILE: a whole process object */
	char **args;		   /* CMD ARGS... (NULL-terminated), unless process_json */
	bool detach, tty, tty_set; /* -d, -t (tty_set: -t given at all) */
	const char *cwd;	   /* --cwd */
	char **env;		   /* -e K=V..., NULL-terminated, added/overriding */
	bool has_user;
	uid_t uid;
	gid_t gid;
	bool has_gid; /* -u UID[:GID] */
	gid_t *additional_gids;
	size_t n_additional_gids; /* -g */
	char **caps; /* --cap CAP_X...: bounding, effective, permitted (and ambient when inheritable
			is set) */
	bool no_new_privs; /* --no-new-privs */
	const char *console_socket, *pid_file;
	unsigned preserve_fds;
	bool ignore_paused;
	char **cgroups; /* --cgroup [CTRL:]SUBPATH..., NULL-terminated (NULL: none) */
};
/* Run a process in a running container; *exit_status as for run (0 with detach). */
int vps_exec(const struct vps_exec_opts *o, int *exit_status, vps_err *err);

/* SIGNAL as a name ("TERM", "SIGTERM", "sigkill") or a number ("9"). */
int vps_signal_parse(const char *s, int *sig, vps_err *err);
/* Signal the init (pid + start time verified, pidfd_send_signal) or, with all,
 * every process in the container's cgroup. */
int vps_kill(const char *root, const char *id, int sig, bool all, vps_err *err);

/* Delete a stopped (or created) container; force kills a running one first.
 * Idempotent for partially created containers. */
int vps_delete(const char *root, const char *id, bool force, vps_err *err);

/* The host pids of the container's processes (malloc'ed). */
int vps_ps_pids(const char *root, const char *id, pid_t **pids, size_t *n, vps_err *err);

/* One line on the VM backend (runtime/vm) for `vps --version` / `vps features`:
 * "kernel 6.1.0-56-amd64 (debian), accelerator tcg"; probe: try the accelerator. */
int vps_vm_describe(const char *root, bool probe, char *buf, size_t cap, vps_err *err);

/* ---- The cgroup verbs (runc's pause, resume, update, stats, events). ---- */
struct oci_resources;

/* Freeze every process of a running container / thaw a paused one. */
int vps_pause(const char *root, const char *id, vps_err *err);
int vps_resume(const char *root, const char *id, vps_err *err);
/* Apply res to the cgroup of a container that is not stopped. */
int vps_update(const char *root, const char *id, const struct oci_resources *res, vps_err *err);

/* A container opened for sampling (no lock held). */
struct vps_monitor;
int vps_monitor_open(const char *root, const char *id, struct vps_monitor **out, vps_err *err);
/* The live status when opened (running vs. paused from the freezer). */
enum vps_status vps_monitor_status(const struct vps_monitor *m);
const char *vps_monitor_id(const struct vps_monitor *m);
void vps_monitor_close(struct vps_monitor *m);
/* One sample of the cgroup's counters (free with vps_stats_free). */
int vps_stats(struct vps_monitor *m, struct vps_cgroup_stats *out, vps_err *err);
void vps_stats_free(struct vps_cgroup_stats *st);

/* runc's event stream: blocks until the next event. VPS_EVENT_STATS fills st
 * (every interval_ms); VPS_EVENT_OOM: the kernel OOM-killed inside the
 * container; VPS_EVENT_END: the container stopped (then every later call). */
enum vps_event { VPS_EVENT_END, VPS_EVENT_STATS, VPS_EVENT_OOM };
int vps_events_next(struct vps_monitor *m, long interval_ms, struct vps_cgroup_stats *st,
		    vps_err *err);

/* ---- The VPS face's lifecycle (issue 16; the monitor: runtime/mon.h). ---- */
/* Ask the init to shut down the way it expects (org.vps.stop-signal, else by
 * template), wait up to timeout_s (< 0: that init's default), SIGKILL the
 * cgroup, delete; 0 once processes, cgroup, network and state are gone. A
 * VPS already stopped is deleted. */
int vps_stop(const char *root, const char *id, int timeout_s, vps_err *err);
/* stop, then create and start it again from its recorded bundle (registered
 * in the inventory inv, as create does; NULL: none). */
int vps_restart(const char *root, const char *inv, const char *id, int timeout_s, vps_err *err);
/* Attach our terminal to the VPS's console (its monitor's socket) until the
 * detach key (Ctrl-] q) or the console closes: VPS_CONSOLE_DETACHED or
 * VPS_CONSOLE_CLOSED, or < 0 (EBUSY: another attach holds it). */
enum { VPS_CONSOLE_DETACHED = 1, VPS_CONSOLE_CLOSED = 2 };
int vps_console_attach(const char *root, const char *id, vps_err *err);
/* The console log to out: all of it, or the last lines (>= 0); with follow,
 * then what is appended, until the VPS is gone. */
int vps_logs(const char *root, const char *id, long lines, bool follow, int out, vps_err *err);
/* ---- Checkpoint and restore through CRIU (runtime/checkpoint.c, restore.c). ---- */
/* What dump and restore share (runc's flag names). */
struct vps_criu_opts {
	const char *criu;	/* the criu binary or a wrapper script; NULL: "criu" on PATH */
	const char *image_path; /* NULL: "./checkpoint" (runc's default) */
	const char *work_path;	/* logs; NULL: image_path */
	const char *manage_cgroups_mode; /* soft (default), full, strict, ignore */
	bool tcp_established, ext_unix_sk, shell_job, file_locks;
};
struct vps_checkpoint_opts {
	const char *root, *id;
	struct vps_criu_opts c;
	const char *parent_path; /* previous pre-dump images (relative to image_path) */
	bool leave_running;	 /* else the container is deleted after the dump, as runc */
	bool pre_dump;		 /* memory only, the container keeps running */
	/* --tcp-established where the network namespace is the container's own
	 * and has a device besides lo (vps migrate); the checkpoint records
	 * whether it was used (vps-checkpoint.json's tcpEstablished) */
	bool tcp_if_networked;
	/* a namespace without a network, as create made it, is not saved: the
	 * restore makes a new one (vps migrate; criu_netns.c) */
	bool renew_netns;
};
/* Dump a running container's process tree into image_path. */
int vps_checkpoint(const struct vps_checkpoint_opts *o, vps_err *err);

struct vps_restore_opts {
	const char *root, *id;
	struct vps_criu_opts c;
	const char *bundle;	    /* NULL: "." */
	const char *console_socket; /* the new pty master goes here (-t containers) */
	const char *pid_file;
	bool detach, no_pivot;
	/* detached, no --console-socket, a VPS-face bundle (org.vps.name): the
	 * VPS's monitor restores it (the init's parent, holding a new console
	 * pty), as create does (runtime/mon.h); set inside the monitor */
	bool in_monitor;
};
/* Make container id from a checkpoint and the bundle's config.json: state,
 * cgroup with its limits, the process tree through CRIU (pids inside kept).
 * Not detached: wait like run and delete it; *exit_status as for run. */
int vps_restore(const struct vps_restore_opts *o, int *exit_status, vps_err *err);
/* `criu check` of c->criu for `vps features` (cached under root): 0 and
 * "criu VERSION at PATH" in buf, or < 0 with the reason in err. */
int vps_checkpoint_probe(const char *root, const char *criu, char *buf, size_t sz, vps_err *err);
