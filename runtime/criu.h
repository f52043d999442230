/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running CRIU (runtime/criu.c) and the checkpoint's description of what lies
 * outside the container (runtime/criu_ext.c). Private to runtime/: checkpoint.c,
 * restore.c and a later migrate build on these. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "specs/spec.h"
#include "util/argv.h"
#include "util/err.h"

struct vps_cgroup;

/* Start a's words: the binary (NULL: "criu" on PATH) and the action. */
void vps_criu_begin(struct vps_argv *a, const char *criu, const char *action);

struct vps_criu_run {
	const char *log;	   /* criu's --log-file, read back for the error */
	struct vps_cgroup *cgroup; /* criu runs inside it (restore); NULL: ours */
	const int *pass_fds;	   /* fds criu inherits (--inherit-fd fd[N]) besides 0-2 */
	size_t n_pass;
	bool quiet; /* criu's stdout and stderr to /dev/null (criu check) */
};
/* The words every criu call of o gets: images, work dir and log, the flags. */
struct vps_criu_opts;
void vps_criu_common(struct vps_argv *a, const struct vps_criu_opts *o, const char *image,
		     const char *work, const char *log);
/* --manage-cgroups-mode: soft, full, strict, ignore (NULL: the default). */
int vps_criu_check_mode(const char *mode, vps_err *err);
/* Run criu with a's words and wait for it. A failure
 * names criu's first error line from the log and the log's path. */
int vps_criu_exec(const struct vps_criu_run *r, struct vps_argv *a, vps_err *err);

/* ---- the checkpoint's own record: IMAGE_DIR/vps-checkpoint.json ---- */
#define VPS_CKPT_META	 "vps-checkpoint.json"
#define VPS_CKPT_NS_KEY	 "vps-netns" /* --external net[INO]:KEY, --inherit-fd fd[N]:KEY */
#define VPS_CKPT_MAX_EXT 64
#define VPS_CKPT_KEY_MAX 64
/* a spec bind, a cgroup v1 hierarchy, the terminal bound on /dev/console, a
 * device node of the host's /dev bound in (a user namespace's /dev/null), the
 * container's cgroup2 directory wherever it is mounted (a systemd VPS has it
 * on /sys/fs/cgroup of a hybrid host) or one of its files bound elsewhere
 * (procview's /proc/pressure/X from X.pressure: source is the file's name) */
enum vps_ckpt_mount {
	VPS_CKPT_BIND,
	VPS_CKPT_CGROUP,
	VPS_CKPT_CONSOLE,
	VPS_CKPT_HOSTDEV,
	VPS_CKPT_CGFILE
};
struct vps_ckpt_meta {
	pid_t pid; /* the init's host pid at the dump (informational) */
	bool terminal, netns_external;
	bool net_isolated;    /* the netns held lo alone (criu_netlock.c) */
	bool netns_renew;     /* external at the dump, made anew at restore (criu_netns.c) */
	bool tcp_established; /* dumped with --tcp-established: restore with it */
	size_t n_mounts;
	struct {
		char dest[4096];
		char source[64]; /* HOSTDEV: the host's node ("/dev/null"); CGFILE: the
				    file in the cgroup2 dir ("": the dir) */
		enum vps_ckpt_mount kind;
	} * mounts;			/* malloc'ed, n_mounts entries */
	char fds[3][VPS_CKPT_KEY_MAX];	/* CRIU's key of the init's fd 0-2 ("" none) */
	char console[VPS_CKPT_KEY_MAX]; /* CRIU's key of /dev/console's pty ("" none) */
	json_object *net;		/* the VPS network's record (state extra["net"]), or NULL */
	json_object *netconf;		/* netns_renew: its settings (criu_netns.c), or NULL */
};
void vps_ckpt_meta_free(struct vps_ckpt_meta *m);
/* A bind mount (type "bind" or option bind/rbind), and its source on the
 * host (relative to bundle when not absolute; < 0 when it does not fit). */
bool vps_ckpt_is_bind(const struct oci_mount *mt);
int vps_ckpt_mount_source(const struct oci_mount *mt, const char *bundle, char *buf, size_t sz);
/* Dump side: describe the running init (mountinfo, fds, netns) against spec
 * and add the matching --external words to a. */
int vps_ckpt_describe(pid_t pid, const struct oci_spec *spec, struct vps_ckpt_meta *m,
		      struct vps_argv *a, vps_err *err);
/* criu_netlock.c: pid's network namespace is private and holds lo alone
 * (no way in from outside); then criu's network lock is skipped unless
 * --tcp-established (vps_criu_netlock adds the word). reachable: private
 * with a device besides lo (a VPS network's eth0): its TCP connections are
 * worth moving (vps migrate's --tcp-established). */
bool vps_ckpt_net_isolated(pid_t pid, const struct oci_spec *spec);
bool vps_ckpt_net_reachable(pid_t pid, const struct oci_spec *spec);
void vps_criu_netlock(struct vps_argv *a, const struct vps_criu_opts *o, bool isolated);
/* criu_netns.c: at the dump, when pid's namespace may be made anew at
 * restore (no user namespace of its own, lo alone, as create made it): its
 * settings into m->netconf, m->netns_renew set, --external net[INO] added
 * (0 also when it may not); at the restore, the new one with lo up, spec's
 * net.* sysctls and the settings written (an fd, or -errno with err set). */
int vps_ckpt_netns_renew(pid_t pid, const struct oci_spec *spec, struct vps_ckpt_meta *m,
			 struct vps_argv *a, vps_err *err);
int vps_ckpt_netns_new(const struct oci_spec *spec, json_object *conf, vps_err *err);
/* --external net[INO]:VPS_CKPT_NS_KEY for pid's network namespace */
int vps_ckpt_netns_external(pid_t pid, struct vps_argv *a, vps_err *err);
/* Resources of the VPS whose init is pid that CRIU is known to refuse,
 * named (criu_refuse.c): -ENOTSUP with the resource and why, else 0. */
int vps_ckpt_refused(pid_t pid, vps_err *err);
int vps_ckpt_meta_save(const char *image_dir, const struct vps_ckpt_meta *m, vps_err *err);
int vps_ckpt_meta_load(const char *image_dir, struct vps_ckpt_meta *m, vps_err *err);
/* Restore side: the --external mnt[DEST]:SOURCE words for m's mounts (binds
 * from spec, cgroups at cgroup_rel under the host's hierarchies, the console
 * from the new pty's slave path, or NULL). */
struct vps_ckpt_sources {
	const struct oci_spec *spec;
	const char *bundle, *cgroup_rel, *console;
	const char *cgroup_v2_dir; /* the new cgroup's cgroup2 directory (or NULL) */
};
int vps_ckpt_restore_mounts(const struct vps_ckpt_meta *m, const struct vps_ckpt_sources *src,
			    struct vps_argv *a, vps_err *err);

/* criu_userns.c: a VPS with a user namespace of its own (lx's, not joined by
 * path): its restored tasks open the images from inside it, so while CRIU
 * restores the image directory's group is the VPS's root group, with search
 * permission (unless it is open to it already); given back after. */
struct vps_ckpt_lend {
	int fd;	     /* the image directory while lent, else -1 */
	gid_t gid;   /* its group before */
	mode_t mode; /* its mode before */
};
int vps_ckpt_images_lend(const char *image, const struct oci_linux *lx, struct vps_ckpt_lend *l,
			 vps_err *err);
void vps_ckpt_images_return(struct vps_ckpt_lend *l);

/* criu_cgdirs.c: the container's cgroup2 subtree (systemd's empty slices):
 * listed into the image at dump (cgroup_rel: state's cgroup path), made under
 * the new cgroup's cgroup2 dir before restore (absent list: nothing) and, with
 * uid other than -1 (the host ids of the VPS's root), owned by uid:gid. */
int vps_ckpt_cgdirs_save(const char *image, const char *cgroup_rel, vps_err *err);
int vps_ckpt_cgdirs_make(const char *image, const char *v2dir, uid_t uid, gid_t gid, vps_err *err);
