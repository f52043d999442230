/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals shared by the lifecycle files (runtime/): the parent/child sync
 * protocol, the spawned child's description, and small helpers. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "runtime/runtime.h"
#include "runtime/seccomp.h"
#include "runtime/status.h"
#include "specs/spec.h"
#include "specs/state.h"
#include "util/cleanup.h"
#include "util/err.h"

/* ---- sync socket (SOCK_SEQPACKET pair, one message per record) ---- */
enum vps_sync_type {
	VPS_SYNC_GO = 1,     /* parent -> child: maps written, cgroup entered; data: state JSON */
	VPS_SYNC_HOOKS,	     /* child -> parent: namespaces exist, run prestart/createRuntime */
	VPS_SYNC_HOOKS_DONE, /* parent -> child */
	VPS_SYNC_PTY,	     /* child -> parent: the pty master (SCM_RIGHTS) */
	VPS_SYNC_PTY_ACK,    /* parent -> child: master delivered, window size set */
	VPS_SYNC_SECCOMP,    /* child -> parent: the seccomp notify fd (SCM_RIGHTS) */
	VPS_SYNC_READY,	     /* child -> parent: set up, waiting on the exec barrier */
	VPS_SYNC_ERROR,	     /* child -> parent: code + message */
	VPS_SYNC_PID,	     /* exec helper -> parent: code = the process's pid */
	VPS_SYNC_MOUNTFD,    /* parent's helper -> child, before GO: code = mount index,
				the bind source opened on the host side (SCM_RIGHTS) */
	VPS_SYNC_ROOTFD,     /* parent (or its helper) -> child, before GO: the rootfs made
				on the host side (create_root.c): code VPS_ROOTFD_*, SCM_RIGHTS */
	VPS_SYNC_SYSINFO,    /* child -> parent: the sysinfo filter's listener (sysinfo.h) */
	VPS_SYNC_TIMENSFD,   /* parent -> child, before GO: /proc/PID/timens_offsets opened
				for writing by the parent (SCM_RIGHTS; idmap.c) */
};
enum { VPS_ROOTFD_TARGET, VPS_ROOTFD_TREE };
#define VPS_SYNC_MAX (256 * 1024)

struct vps_sync_msg {
	uint32_t type;
	int32_t code;
	char *data; /* NUL-terminated (malloc'ed by recv) */
	size_t len;
	int fd; /* received fd or -1 */
};
int vps_sync_pair(int fds[2], vps_err *err);
int vps_sync_send(int fd, uint32_t type, int32_t code, const void *data, size_t len, int pass_fd);
/* Parent: send VPS_SYNC_GO; when the child is gone already, the error it left
 * queued is the one reported. */
int vps_sync_go(int fd, const void *data, size_t len, vps_err *err);
/* Send err as VPS_SYNC_ERROR (child side). */
void vps_sync_send_err(int fd, const vps_err *err);
/* 1: a message; 0: EOF (peer closed); < 0: error. */
int vps_sync_recv(int fd, struct vps_sync_msg *m, vps_err *err);
void vps_sync_msg_clear(struct vps_sync_msg *m);
/* Wait for one message of type want; a VPS_SYNC_ERROR becomes err. */
int vps_sync_expect(int fd, uint32_t want, struct vps_sync_msg *m, vps_err *err);

struct vps_cgroup;

/* ---- the child (container init for create, the new process for exec) ---- */
struct vps_child {
	const struct oci_spec *spec; /* create: the whole config */
	const struct oci_process *proc;
	const char *rootfs;
	bool exec_mode, no_pivot, no_new_keyring;
	bool new_userns, unshare_cgroupns, new_cgroupns;
	bool new_netns;		    /* create: the clone made it; the init sets its lo up */
	int sync_fd;		    /* child end */
	int barrier_fd;		    /* create: listening socket; exec: -1 */
	int join_pidfd, join_flags; /* exec: setns(pidfd, flags) */
	int root_fd;		    /* exec: the init's root (O_PATH) */
	bool fork_into_pidns;	    /* exec: join_flags hold pid/time: fork after joining */
	int ns_fds[OCI_NS_MAX];	    /* create: namespaces joined by path, else -1 */
	/* create: a user namespace given by path, joined before the clone (so it
	 * owns the new namespaces); -1: none. Not in ns_fds[] then. */
	int join_userns_fd;
	unsigned preserve_fds;
	int *source_fds; /* create: per spec mount, from VPS_SYNC_MOUNTFD; NULL: none */
	/* create: from VPS_SYNC_ROOTFD: the rootfs directory in the init's mount
	 * namespace (O_PATH) and the detached tree to attach there; -1: none */
	int root_target_fd, root_tree_fd;
	int stdio[2];	     /* create: fds for 0 and for 1, 2 (VPS face detached); -1: keep */
	int disk_fd;	     /* create: a detached mount to move onto the rootfs; -1: none */
	bool console_noctty; /* create: the monitor's console, not the init's ctty */
	const struct vps_seccomp *seccomp;
	bool seccomp_installed;
	bool sysinfo; /* create: install the sysinfo filter, send its listener (sysinfo.h) */
	/* create: make the time namespace (linux.timeOffsets) itself, once in
	 * its user namespace, writing the offsets through timens_fd, the file
	 * VPS_SYNC_TIMENSFD brought (-1 until then) */
	bool new_timens;
	int timens_fd;
	bool has_hooks_runtime; /* ask the parent to run prestart/createRuntime */
	/* joined by the child itself, first thing (vps_cgroup_enter_self), in
	 * the hierarchies CLONE_INTO_CGROUP cannot reach; NULL: none */
	struct vps_cgroup *cgroup;
};
/* clone3 (CLONE_PIDFD, CLONE_INTO_CGROUP when cgroup_fd >= 0) with the
 * namespace flags; the child runs vps_child_main and never returns. */
int vps_spawn(struct vps_child *c, uint64_t ns_flags, int cgroup_fd, pid_t *pid, int *pidfd,
	      vps_err *err);
_Noreturn void vps_child_main(struct vps_child *c);
/* exec_pidns.c: exec's helper forks the process into the joined pid/time
 * namespaces (child returns 0, helper exits); the parent takes it over. */
int vps_child_fork_into_pidns(struct vps_child *c, vps_err *err);
int vps_exec_take_over(pid_t *pid, int *pidfd, pid_t child, int sync_fd, vps_err *err);
/* exe_shield.c: move this process's image off the vps file and point
 * /proc/self/exe at an empty sealed memfd (idempotent; see the file). */
int vps_exe_shield(vps_err *err);

/* child steps (each returns < 0 with err filled) */
int vps_child_join_ns(struct vps_child *c, vps_err *err);
/* groups, gid, uid, caps; keep_admin: CAP_SYS_ADMIN stays effective until the
 * exec (installing a seccomp filter without no_new_privs needs it) */
int vps_child_identity(const struct oci_process *p, bool keep_admin, vps_err *err);
int vps_child_limits(const struct oci_spec *spec, const struct oci_process *p, vps_err *err);
int vps_child_cwd(const char *cwd, vps_err *err);
/* ctty false: the pty is not made the process's controlling terminal (the
 * VPS console, like a real /dev/console: a getty on it takes it) */
int vps_child_console(int sync_fd, const struct oci_process *p, bool init, bool ctty, vps_err *err);
/* linux.sysctl's keys (only_ns: those of that namespace, -1: all) written
 * through /proc/sys: the caller's namespaces get them */
int vps_child_sysctls(const struct oci_spec *spec, int only_ns, vps_err *err);
int vps_sysctl_validate(const struct oci_spec *spec, vps_err *err);
/* Close every fd >= from except keep[] (the child's first step: no lock,
 * state dir or cgroup fd of the parent stays open in the container). */
int vps_child_close_fds(unsigned from, const int *keep, size_t n_keep, vps_err *err);
int vps_child_fds(unsigned preserve_fds, const int *keep, size_t n_keep, vps_err *err);
int vps_child_find_exec(const struct oci_process *p, char *out, size_t outsz, vps_err *err);
/* The CPU affinity vps was started with is not the container's: every CPU
 * its cgroup allows (runc 1.2+; `taskset -c 0 vps run` used to pin it). */
void vps_child_reset_affinity(void);
/* As runc: a process whose env has no HOME gets "HOME=" its user's home in the
 * container's /etc/passwd ("/" without an entry) in out; "" when it has one.
 * Inside the container's root, before the uid switch. */
void vps_child_home(const struct oci_process *p, char *out, size_t outsz);
/* The process's env as it gets it: each name once, its last value, an empty
 * HOME left out, then extra_env unless "" (malloc'd array of p's strings). */
char **vps_child_envp(const struct oci_process *p, const char *extra_env);
/* Build argv and envp (plus extra_env unless ""), run before_exec (NULL:
 * nothing; the seccomp filter: nothing of ours but execve and the failure
 * report runs under it), execve; a failure goes to report_fd as one write(2). */
_Noreturn void vps_child_exec(const char *path, const struct oci_process *p, const char *extra_env,
			      int report_fd, int (*before_exec)(void *arg, vps_err *err),
			      void *arg);

/* ---- capabilities (libcap) ---- */
int vps_caps_drop_bounding(const struct oci_caps *caps, vps_err *err);
/* keep: caps added to the effective and permitted sets */
int vps_caps_apply(const struct oci_caps *caps, uint64_t keep, vps_err *err);
/* CAP's name as the OCI spec spells it ("CAP_CHOWN"); false: libcap has no
 * name for it (OUT then holds libcap's number text, or is empty). */
bool vps_cap_name(int cap, char *out, size_t outsz);
/* A warning (as runc's) for each ambient cap that the kernel would refuse
 * (not both inheritable and permitted): vps_caps_apply leaves them out. */
void vps_caps_warn_ambient(const struct oci_caps *caps);
int vps_cap_from_name(const char *name, int *cap, vps_err *err);

/* ---- namespaces ---- */
/* Validate and open spec namespaces given by path (fds[i] = -1 otherwise) and
 * compute the clone flags for the new ones. */
int vps_ns_prepare(const struct oci_linux *lx, int fds[OCI_NS_MAX], uint64_t *clone_flags,
		   vps_err *err);
void vps_ns_close(int fds[OCI_NS_MAX]);
/* Flags of the namespaces pid lives in that differ from ours. */
int vps_ns_differing(pid_t pid, int *flags, vps_err *err);

/* ---- id maps, written by the parent ---- */
int vps_idmap_write(pid_t pid, const struct oci_linux *lx, vps_err *err);
/* A time namespace given by path: joined by the parent around the clone
 * (restore puts back the one saved_fd holds); nothing for a new one. */
int vps_timens_prepare(const struct oci_linux *lx, int *saved_fd, vps_err *err);
int vps_timens_restore(int saved_fd, vps_err *err);
/* A new time namespace is made by the init itself, after it is in its user
 * namespace, so that the VPS's user namespace owns it (CRIU enters it from
 * there). Parent: send pid's /proc/PID/timens_offsets, opened by us: the init
 * cannot open it (a non-dumpable process's /proc files are the host root's),
 * and writing through our file needs CAP_SYS_TIME of the opener only. Child:
 * unshare, write lx's offsets through that fd, then join the new namespace
 * (time_for_children) itself. */
int vps_timens_send(pid_t pid, int sync_fd, vps_err *err);
int vps_child_timens(const struct oci_linux *lx, int offsets_fd, vps_err *err);

/* ---- exec barrier (listening unix socket ROOT/ID/exec.sock) ---- */
int vps_barrier_create(int dirfd, const char *dir, int *fd, vps_err *err);
/* Child: wait for `start`; returns the connection fd (CLOEXEC) to report exec errors on. */
int vps_barrier_wait(int listen_fd, vps_err *err);
/* start: release; reads the exec result (EOF = exec happened). */
int vps_barrier_release(const char *dir, vps_err *err);

/* ---- processes ---- */
/* pidfd for st->pid if it is still the same process; -ESRCH when gone. */
int vps_state_pidfd(const struct vps_state *st, int *pidfd, vps_err *err);

/* ---- hooks ---- */
/* Run the hooks of one kind with state on stdin. Returns < 0 at the first
 * failure, whose message has the hook's output (stdout and stderr, as runc).
 * A hook without an env of its own gets vps's. */
int vps_hooks_run(const struct oci_hooks *h, enum oci_hook_kind kind, const char *state_json,
		  vps_err *err);
/* The same; a hook without an env of its own gets env (startContainer: the
 * process's, as runc). */
int vps_hooks_run_env(const struct oci_hooks *h, enum oci_hook_kind kind, const char *state_json,
		      char *const *env, vps_err *err);
/* The same, but only warns (poststart, poststop). */
void vps_hooks_run_warn(const struct oci_hooks *h, enum oci_hook_kind kind, const char *state_json);

/* ---- console ---- */
/* A new pty of the /dev/ptmx we see, by fd only (TIOCGPTPEER): exec opens one
 * of the container's devpts, restore one of the host's. */
int vps_pty_open(int *master, int *slave, vps_err *err);
/* Send a pty master to a console socket the way runc does. */
int vps_console_send(const char *socket_path, int master, vps_err *err);
/* Give master our terminal's window size (when stdin is a terminal). */
void vps_console_copy_winsize(int master);
/* A pty master this process relays in the foreground: our window size, and
 * no ONLCR on the slave (runc), so the process's output bytes pass unchanged. */
void vps_console_keep(int master);
/* Copy one read's worth from -> to (the foreground relay of a pty): the bytes
 * copied, 0 once that side ended (EOF, EIO, a failed write), -EAGAIN if
 * nothing was there. */
int vps_console_pump(int from, int to);

/* ---- created containers, for run ---- */
struct vps_created {
	pid_t pid;
	int pidfd;
	int pty;      /* pty master when kept (foreground run), else -1; VM: stdin/tty socket */
	bool vm, tty; /* a VM container (runtime/vm) and its process.terminal */
	bool monitor; /* made (and for run, started) by the VPS's monitor: pidfd -1 */
	int sysinfo;  /* the monitor's create: the init's sysinfo listener (sysinfo.h), or -1 */
};
/* Where create sends the init's pty master (process.terminal). */
enum vps_pty_mode {
	VPS_PTY_SEND,	 /* to --console-socket; a VPS-face bundle gets a monitor instead */
	VPS_PTY_RELAY,	 /* kept for a foreground run: our window size, no ONLCR */
	VPS_PTY_MONITOR, /* kept by the VPS's monitor (mon.h): terminal forced on */
};
/* What create hands on to run (container mode): the state, spec and cgroup it
 * has in memory, the state dir and the lock it still holds, so that start and
 * the final delete need not read them back (start releases the lock). */
struct vps_held {
	struct vps_state *st;
	struct oci_spec *spec;
	struct vps_cgroup *cg;
	int dirfd, lockfd;
};
/* hold: NULL, or filled for a container-mode create (VM mode leaves it empty:
 * st NULL); free it with vps_held_free. With VPS_PTY_SEND, a VPS-face bundle
 * is created (and with hold, started) by a monitor it forks (out->monitor). */
int vps_create_internal(const struct vps_create_opts *o, struct vps_created *out,
			enum vps_pty_mode pty, struct vps_held *hold, vps_err *err);
void vps_held_free(struct vps_held *h);
/* The monitor's restore (o->detach, o->in_monitor): the restored init, its
 * pidfd and the new console pty master in *out, kept by the caller. */
struct vps_restore_opts;
int vps_restore_internal(const struct vps_restore_opts *o, struct vps_created *out, vps_err *err);
/* start / delete --force of what create held (see vps_start, vps_delete) */
int vps_start_held(const char *root, struct vps_held *h, vps_err *err);
int vps_delete_held(const char *root, struct vps_held *h, vps_err *err);
/* delete of a container whose lock the caller holds, st loaded (the monitor's
 * reboot) */
int vps_delete_locked(const char *root, struct vps_state *st, vps_err *err);
/* Foreground: forward signals to the process, relay the pty (or -1), reap it;
 * *status is its exit status or 128+N, *wstatus (if not NULL) its wait status.
 * The relay holds a slave of the pty of its own meanwhile: an init (systemd)
 * that closes all of its console fds between writes never makes the master
 * read EIO and end the relay (after which its console writes would block). */
int vps_wait_foreground(pid_t pid, int pidfd, int pty, int *status, int *wstatus, vps_err *err);

/* ---- per-container files (container.c) ---- */
int vps_container_save_spec(int dirfd, const char *config, size_t len, vps_err *err);
int vps_container_spec(const char *root, const char *id, struct oci_spec **spec, vps_err *err);
int vps_write_pid_file(const char *path, pid_t pid, vps_err *err);
char *vps_now_rfc3339(void);
char *vps_rfc3339(struct timespec ts); /* 2026-11-21T18:00:00.123456789Z */
/* Lock ROOT/ID and load its state (fds -1 and *st NULL on failure). */
int vps_container_load(const char *root, const char *id, int *dirfd, int *lockfd,
		       struct vps_state **st, vps_err *err);

/* disk_root.c: image gets bundle/name for annotation org.vps.disk's value
 * name (a file name in the bundle dir; "" when name is NULL); EINVAL
 * naming the annotation for anything else. */
int vps_disk_image_path(const char *bundle, const char *name, char *image, size_t cap,
			vps_err *err);

/* The slice of the VPS face's scopes on a systemd host (vps-NAME.scope). */
#define VPS_FACE_SLICE "vps.slice"

/* machine.c: systemd-machined. register: the VPS-face VPS the monitor just
 * booted (st, or NULL: ROOT/ID's saved state; a run's create saves none until
 * its start), when it runs in a systemd scope of its own; never
 * a reason to fail the boot: 1 registered; 0 not (err->msg says why for a
 * debug line: no machined; "" when the VPS has no scope of its own); < 0 a
 * warning's text in err (a name machined refuses, ...). unregister: on
 * delete, before its scope stops (a failure is logged as a warning). */
int vps_machine_register_vps(const char *root, const char *id, const struct vps_state *st,
			     vps_err *err);
void vps_machine_unregister_vps(const struct vps_state *st);
