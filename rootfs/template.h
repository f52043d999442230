/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VPS templates: `vps bundle DIR --template T` makes an ordinary OCI bundle
 * (DIR/rootfs + DIR/config.json) that vps (or runc) runs as a VPS: the
 * template's init as pid 1, hostname = name, a default seccomp profile and
 * memory/pids limits. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/err.h"
#include "util/size.h"

/* Annotations written for the networking and VM concerns. */
#define VPS_ANN_NAME	  "org.vps.name"
#define VPS_ANN_TEMPLATE  "org.vps.template"
#define VPS_ANN_IP	  "org.vps.net.ip"
#define VPS_ANN_BRIDGE	  "org.vps.net.bridge"
#define VPS_ANN_GATEWAY	  "org.vps.net.gateway"
#define VPS_ANN_ISOLATION "org.vps.isolation" /* "vm" */
#define VPS_ANN_IP6	  "org.vps.net.ip6"
#define VPS_ANN_PUBLISH	  "org.vps.net.publish"
#define VPS_ANN_DNS	  "org.vps.net.dns"
/* the VPS's own /proc view: auto (lxcfs when mounted), kernel, off (runtime/procview.c) */
#define VPS_ANN_PROCVIEW "org.vps.procview"
#define VPS_ANN_LXCFS	 "org.vps.lxcfs" /* an lxcfs mount point, auto or off */
#define VPS_ANN_INIT	 "org.vps.init"	 /* "systemd" when pid 1 is systemd */
/* The OCI image annotation engines read: the signal that makes the VPS's init
 * power the VPS off cleanly (systemd SIGRTMIN+4, busybox init SIGUSR2,
 * sysvinit SIGINT through the inittab's ctrlaltdel entry). */
#define VPS_ANN_STOP_SIGNAL "org.opencontainers.image.stopSignal"

#define VPS_CACHE_DIR "/var/cache/vps"

/* The least a VPS can run with. Measured on cgroup v1 with the busybox
 * template: its init is OOM-killed at once under a 512 KiB memory limit (and
 * create itself fails under 256 KiB) but runs, and takes exec, at 640 KiB; 1 MiB
 * leaves a margin. An init, a login shell and one command need 8 pids. */
#define VPS_MIN_MEMORY (1LL << 20)
#define VPS_MIN_PIDS   8

struct vps_bundle_opts {
	const char *dir;      /* bundle dir: must not exist or be empty */
	const char *tmpl;     /* busybox | debian[:SUITE] | dir:PATH | tar:FILE */
	const char *name;     /* VPS name (an id: [A-Za-z0-9_+.-]) */
	const char *hostname; /* NULL: name */
	int64_t memory;	      /* bytes; -1: none; at least VPS_MIN_MEMORY */
	int64_t pids;	      /* -1: none; at least VPS_MIN_PIDS */
	int64_t cpu_quota;    /* us per 100000 us period; 0: none */
	const char *ip, *bridge, *gateway, *ip6, *publish, *dns;
	bool vm;
	const char *seccomp;   /* NULL: the default profile; "none"; or a JSON file */
	bool allow_setuid;     /* noNewPrivileges false (setuid su/sudo work inside) */
	bool keep_devices;     /* keep a dir:/tar: template's device nodes */
	int64_t disk;	       /* bytes of an ext4 disk image (rootfs/disk.h); 0: none */
	bool disk_dir;	       /* --disk-backend dir: a project quota, not an image */
	uint32_t disk_project; /* set by vps_bundle_make: the dir backend's project id */
	const char *cache_dir; /* NULL: VPS_CACHE_DIR */
	const char *init;      /* debian's init: NULL or "systemd" (default), "sysvinit" */
	/* NULL, or told each phase ("debootstrap bookworm ...") as it starts: the
	 * CLI shows them on a terminal */
	void (*progress)(const char *phase);
	/* user namespace (rootfs/userns.h): "mapped" (NULL: the default) or
	 * "host"; the id-range area's base (0: the inventory's setting or
	 * 1000000); the inventory directory where ranges are recorded */
	const char *userns;
	uint32_t idmap_base;
	const char *inventory;
	/* NULL, or told what the operator must know whatever the output is (the
	 * rootfs's owners were shifted): the CLI prints it to stderr */
	void (*notice)(const char *msg);
	const char *packages; /* debian: more packages, comma-separated (--packages) */
	const char *ssh_key;  /* root's authorized_keys lines (--ssh-key, vps_sshkey_load) */
	/* NULL, or told each step within a phase (debootstrap's "Retrieving X"
	 * lines): the CLI shows the latest on one line it overwrites */
	void (*detail)(const char *step);
};

/* Make the bundle; on failure nothing is left (a DIR we made is removed, an
 * empty one emptied again). */
int vps_bundle_make(const struct vps_bundle_opts *o, vps_err *err);

/* Read --ssh-key FILE ("-": stdin) into *text (malloc'ed, at most 64 KiB) and
 * check it as vps_sshkey_check does. */
int vps_sshkey_load(const char *file, char **text, vps_err *err);
/* Check that text is one or more OpenSSH public keys ("TYPE BASE64 [comment]"
 * lines whose blob names TYPE; blank and # lines allowed); a private key is
 * refused as such. */
int vps_sshkey_check(const char *text, vps_err *err);

/* Parse "0.5", "2" CPUs into a CFS quota for a 100000 us period; more CPUs
 * than the host has online are refused, naming that count. */
int vps_parse_cpus(const char *s, int64_t *quota, vps_err *err);

/* ---- internals shared by rootfs/template*.c ---- */
/* Report a phase through o->progress (if set). */
void vps_tmpl_progress(const struct vps_bundle_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Fill the rootfs (an empty dir fd) from each kind of template. */
int vps_tmpl_busybox(int rootfd, const struct vps_bundle_opts *o, vps_err *err);
int vps_tmpl_debian(int rootfd, const char *rootfs, const char *suite,
		    const struct vps_bundle_opts *o, vps_err *err);
int vps_tmpl_dir(const char *src, const char *rootfs, vps_err *err);
int vps_tmpl_tar(const char *file, const char *rootfs, vps_err *err);
/* Whether the rootfs's /sbin/init is systemd (resolved in the root): such a
 * VPS gets what systemd's container interface asks for (vps_tmpl_config). */
bool vps_tmpl_is_systemd(int rootfd);
/* A systemd tree made ready for a container: the units that cannot work in
 * any container masked (vps_systemd_masked), a machine id of its own. */
int vps_tmpl_systemd_setup(int rootfd, vps_err *err);
extern const char *const vps_systemd_masked[];
/* The VPS's identity files: /etc/hostname, /etc/hosts (in-root). */
int vps_tmpl_identity(int rootfd, const struct vps_bundle_opts *o, vps_err *err);
/* linux.seccomp from --seccomp (NULL: the default profile; "none": *out NULL). */
struct json_object;
int vps_tmpl_seccomp(const char *which, struct json_object **out, vps_err *err);
/* The bundle's user namespace (template_userns.c, see rootfs/userns.h). */
#include "rootfs/userns.h"
struct vps_tmpl_userns {
	bool mapped;
	uint32_t base;	   /* first host id of the VPS's range */
	const char *idmap; /* "mount" or "shifted" (VPS_ANN_ROOTFS_IDMAP) */
	struct vps_idrange range;
};
/* Check --userns/--idmap-base (before anything is written). */
int vps_tmpl_userns_check(const struct vps_bundle_opts *o, vps_err *err);
/* A mapped VPS gets its range (the record stays locked until _end). */
int vps_tmpl_userns_begin(const struct vps_bundle_opts *o, struct vps_tmpl_userns *u, vps_err *err);
/* The rootfs is complete: probe idmapped mounts on it, else shift its owners
 * (o->notice says so). Must be the last write into the rootfs. */
int vps_tmpl_userns_rootfs(const struct vps_bundle_opts *o, const char *rootfs,
			   struct vps_tmpl_userns *u, vps_err *err);
/* config.json: user namespace, uid/gid maps, org.vps.userns and org.vps.rootfs.idmap. */
void vps_tmpl_userns_config(struct json_object *cfg, const struct vps_tmpl_userns *u);
/* The bundle was made (ok: the range stays recorded) or not (freed). */
void vps_tmpl_userns_end(struct vps_tmpl_userns *u, bool ok);
/* Write DIR/config.json for the VPS (takes sc); systemd: pid 1 is systemd. */
int vps_tmpl_config(int bundlefd, const struct vps_bundle_opts *o, const char *init, bool systemd,
		    struct json_object *sc, const struct vps_tmpl_userns *u, vps_err *err);
/* config.json edits for systemd as pid 1 (template_systemd_config.c). */
void vps_tmpl_config_systemd(struct json_object *cfg);
/* The stop-signal annotation for the busybox and sysvinit inits. */
void vps_tmpl_stop_signal(struct json_object *cfg, const struct vps_bundle_opts *o, bool busybox);
/* cfg[key], made an empty object if missing; a JSON array of strings. */
struct json_object *vps_tmpl_json_child(struct json_object *o, const char *key);
struct json_object *vps_tmpl_json_strv(const char *const *v, size_t n);
/* The default seccomp profile (OCI linux.seccomp JSON text). */
extern const char vps_default_seccomp_json[];
/* Run argv (PATH searched), stdout/stderr captured; the error names the
 * command and quotes the end of its output. */
int vps_tmpl_run(char *const argv[], vps_err *err);
/* The same with fd given to the command as its fd number as (0: stdin). */
int vps_tmpl_run_fd(char *const argv[], int fd, int as, vps_err *err);
/* The same, handing each line of the command's output to line_cb (if set) as it comes. */
int vps_tmpl_run_lines(char *const argv[], int fd, int as, void (*line_cb)(void *, const char *),
		       void *arg, vps_err *err);
/* Remove the block and character device nodes a dir: or tar: template brought
 * (find -xdev, symlinks never followed); kept with --keep-devices. */
int vps_tmpl_drop_devices(const char *rootfs, vps_err *err);
/* Write a small file under rootfd at path (made in-root, mode, owner root of rootfs). */
int vps_tmpl_write(int rootfd, const char *path, const char *text, mode_t mode, vps_err *err);

/* template_pkgs.c: check --packages (Debian package names, comma-separated,
 * at most VPS_TMPL_MAX_PKGS) before anything is written. */
#define VPS_TMPL_MAX_PKGS 64
int vps_tmpl_pkgs_check(const char *list, vps_err *err);
/* Fill rootfs with `debootstrap --variant=minbase --include=BASE,--packages SUITE`
 * through the cache: CACHE_DIR/debian-SUITE[-systemd]-ARCH.tar without
 * --packages, else debian-SUITE-ARCH-INIT-pkgs-HASH.tar (HASH of the sorted
 * package set; base_pkgs names the init's package too). A miss
 * builds under CACHE.lock (one builder per cache; the others wait, then unpack)
 * into a temp tar renamed into place; ssh host keys never go into the cache. */
int vps_tmpl_debootstrap_cached(const char *rootfs, const char *suite, const char *init,
				const char *base_pkgs, const struct vps_bundle_opts *o,
				vps_err *err);
/* sshkey.c: root's authorized_keys (o->ssh_key appended), /root/.ssh 0700 and
 * the file 0600, owned by root, written in-root. */
int vps_tmpl_ssh_key(int rootfd, const struct vps_bundle_opts *o, vps_err *err);
/* sshd_hostkeys.c: if the rootfs has an sshd, replace its host keys with new
 * ones for this VPS (made by the host's ssh-keygen, written in-root). */
int vps_tmpl_ssh_hostkeys(int rootfd, const struct vps_bundle_opts *o, vps_err *err);

/* rm -r dfd/name without following symlinks or crossing mounts (rmtree.c). */
int vps_rm_tree_at(int dfd, const char *name);
