/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps_bundle_make: check the request, make DIR and DIR/rootfs, fill it from
 * the template, write config.json; undo everything on failure. */
#include <errno.h>
#include <json-c/json.h>
#include <fcntl.h>
#include <math.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/disk.h"
#include "rootfs/template.h"
#include "rootfs/internal.h"
#include "rootfs/users_internal.h"
#include "netns/net.h"
#include "specs/spec.h"
#include "specs/state.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/log.h"
#include "util/io.h"

int vps_parse_cpus(const char *s, int64_t *quota, vps_err *err)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !isfinite(v) || v < 0.01 || v > 4096)
		return vps_errorx(err, EINVAL,
				  "--cpus \"%s\": expected a number of CPUs, e.g. "
				  "0.5 or 2",
				  s);
	long host = sysconf(_SC_NPROCESSORS_ONLN);
	if (host > 0 && v > (double)host)
		return vps_errorx(err, EINVAL, "--cpus %s: this host has only %ld CPU%s", s, host,
				  host == 1 ? "" : "s");
	*quota = (int64_t)(v * 100000.0 + 0.5);
	return 0;
}

int vps_tmpl_write(int rootfd, const char *path, const char *text, mode_t mode, vps_err *err)
{
	const char *base;
	_cleanup_close_ int parent = vps_parent_in_root(rootfd, path, &base, err);
	if (parent < 0)
		return vps_error_wrap(err, "write rootfs %s", path);
	/* Whatever the template had there (a FIFO or a device too) is replaced, never opened. */
	if (unlinkat(parent, base, 0) < 0 && errno != ENOENT)
		return vps_error(err, errno, "write rootfs %s: replace the template's file", path);
	_cleanup_close_ int fd =
	    openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	int w = fd < 0 ? -errno : vps_write_all(fd, text, strlen(text));
	if (w < 0 || fchmod(fd, mode) < 0)
		return vps_error(err, w < 0 ? -w : errno, "write rootfs %s", path);
	return 0;
}

int vps_tmpl_identity(int rootfd, const struct vps_bundle_opts *o, vps_err *err)
{
	char hosts[512];
	const char *h = o->hostname ? o->hostname : o->name;
	char hn[300];
	if (vps_snprintf(hosts, sizeof(hosts),
			 "127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost "
			 "ip6-loopback\n",
			 h) < 0 ||
	    vps_snprintf(hn, sizeof(hn), "%s\n", h) < 0)
		return vps_errorx(err, ENAMETOOLONG, "hostname %s: too long", h);
	if (mkdirat(rootfd, "etc", 0755) < 0 && errno != EEXIST)
		return vps_error(err, errno, "create rootfs/etc");
	int r = vps_tmpl_write(rootfd, "/etc/hostname", hn, 0644, err);
	return r < 0 ? r : vps_tmpl_write(rootfd, "/etc/hosts", hosts, 0644, err);
}

void vps_tmpl_progress(const struct vps_bundle_opts *o, const char *fmt, ...)
{
	if (!o->progress)
		return;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	o->progress(buf);
}

static int check_template(const char *t, vps_err *err)
{
	if (strcmp(t, "busybox") == 0 || strcmp(t, "debian") == 0 ||
	    strncmp(t, "debian:", 7) == 0 || strncmp(t, "dir:", 4) == 0 ||
	    strncmp(t, "tar:", 4) == 0)
		return 0;
	return vps_errorx(err, EINVAL,
			  "--template %s: expected busybox, debian[:SUITE], dir:PATH or tar:FILE",
			  t);
}

/* --init: systemd or sysvinit, and only where there is a choice (debian). */
static int check_init(const struct vps_bundle_opts *o, vps_err *err)
{
	if (!o->init)
		return 0;
	if (strcmp(o->init, "systemd") && strcmp(o->init, "sysvinit"))
		return vps_errorx(err, EINVAL, "--init %s: expected systemd or sysvinit", o->init);
	if (strcmp(o->tmpl, "debian") && strncmp(o->tmpl, "debian:", 7))
		return vps_errorx(err, EINVAL,
				  "--init %s: only the debian template has a choice of init "
				  "(%s brings its own)",
				  o->init, o->tmpl);
	return 0;
}

static int check_limits(const struct vps_bundle_opts *o, vps_err *err)
{
	if (o->memory >= 0 && o->memory < VPS_MIN_MEMORY)
		return vps_errorx(err, EINVAL,
				  "--memory %lld: below 1M, the least a VPS's init can run with "
				  "(the busybox init is OOM-killed under 640K; -1 for no limit)",
				  (long long)o->memory);
	if (o->pids >= 0 && o->pids < VPS_MIN_PIDS)
		return vps_errorx(err, EINVAL,
				  "--pids %lld: below %d, the least an init, a shell and one "
				  "command need (-1 for no limit)",
				  (long long)o->pids, VPS_MIN_PIDS);
	return 0;
}

/* The network annotations the bundle will carry, checked by the code create
 * uses (vps_net_validate), before anything is written. */
static int check_net(const struct vps_bundle_opts *o, vps_err *err)
{
	const char *kv[][2] = {{VPS_ANN_IP, o->ip},	      {VPS_ANN_BRIDGE, o->bridge},
			       {VPS_ANN_GATEWAY, o->gateway}, {VPS_ANN_IP6, o->ip6},
			       {VPS_ANN_PUBLISH, o->publish}, {VPS_ANN_DNS, o->dns}};
	struct oci_kv ann[ARRAY_SIZE(kv)];
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(kv); i++)
		if (kv[i][1])
			ann[n++] = (struct oci_kv){(char *)kv[i][0], (char *)kv[i][1]};
	struct oci_spec spec = {.annotations = ann, .n_annotations = n, .has_linux = true};
	spec.lx.namespaces[OCI_NS_NETWORK].present = true;
	return n ? vps_net_validate(&spec, err) : 0;
}

static bool is_debian(const char *t)
{
	return strcmp(t, "debian") == 0 || strncmp(t, "debian:", 7) == 0;
}

/* Is name one of the comma-separated list? */
static bool has_pkg(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ','))
		if (strcspn(p, ",") == n && strncmp(p, name, n) == 0)
			return true;
	return false;
}

/* --packages and --ssh-key: what the template can take. */
static int check_ssh(const struct vps_bundle_opts *o, vps_err *err)
{
	if (o->packages && !is_debian(o->tmpl))
		return vps_errorx(err, EINVAL,
				  "--packages: only the debian template installs packages, not %s",
				  o->tmpl);
	int r = o->packages ? vps_tmpl_pkgs_check(o->packages, err) : 0;
	if (r < 0 || !o->ssh_key)
		return r;
	if ((r = vps_sshkey_check(o->ssh_key, err)) < 0)
		return vps_error_wrap(err, "--ssh-key");
	if (strcmp(o->tmpl, "busybox") == 0)
		return vps_errorx(err, EINVAL,
				  "--ssh-key: the busybox template has no ssh server; use "
				  "--template debian --packages openssh-server");
	if (is_debian(o->tmpl) && !has_pkg(o->packages, "openssh-server"))
		return vps_errorx(err, EINVAL,
				  "--ssh-key: the debian template has no ssh server unless "
				  "--packages names openssh-server");
	return 0;
}

/* --ssh-key into the rootfs; a debian VPS's sshd gets host keys of its own. */
static int fill_ssh(int rootfd, const struct vps_bundle_opts *o, vps_err *err)
{
	int r = is_debian(o->tmpl) ? vps_tmpl_ssh_hostkeys(rootfd, o, err) : 0;
	if (r < 0 || !o->ssh_key)
		return r;
	vps_err none = {0};
	_cleanup_close_ int sshd = vps_path_in_root(rootfd, "/usr/sbin/sshd", &none);
	if (sshd < 0)
		return vps_errorx(err, ENOENT, "--ssh-key: the rootfs of %s has no /usr/sbin/sshd",
				  o->tmpl);
	vps_tmpl_progress(o, "adding the ssh key to /root/.ssh/authorized_keys");
	return vps_tmpl_ssh_key(rootfd, o, err);
}

/* Every option, before anything is written. */
static int check_request(const struct vps_bundle_opts *o, bool *made_dir, vps_err *err)
{
	int r = check_limits(o, err);
	if (r >= 0)
		r = vps_tmpl_userns_check(o, err);
	if (r >= 0)
		r = check_net(o, err);
	if (r >= 0)
		r = check_template(o->tmpl, err);
	if (r >= 0)
		r = check_init(o, err);
	if (r >= 0)
		r = check_ssh(o, err);
	if (r < 0)
		return r;
	r = vps_id_validate(o->name, err);
	if (r < 0)
		return vps_error_wrap(err, "--name");
	const char *h = o->hostname ? o->hostname : o->name;
	if (strlen(h) > 64 ||
	    strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789-.") != strlen(h) ||
	    !*h || h[0] == '-')
		return vps_errorx(err, EINVAL,
				  "hostname \"%s\": expected 1-64 letters, digits, "
				  "'-' or '.'",
				  h);
	/* 0700: the rootfs may hold setuid files and device nodes (the template's,
	 * or planted by the running VPS); no host user but root may reach them. */
	if (mkdir(o->dir, 0700) == 0) {
		*made_dir = true;
		return 0;
	}
	if (errno != EEXIST)
		return vps_error(err, errno, "create %s", o->dir);
	DIR *d = opendir(o->dir);
	if (!d)
		return vps_error(err, errno, "%s", o->dir);
	struct dirent *de;
	bool empty = true;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	closedir(d);
	if (!empty)
		return vps_errorx(err, EEXIST, "%s: exists and is not empty; not overwriting it",
				  o->dir);
	return 0;
}

static int fill_tree(int bundlefd, int rootfd, const char *rootfs, const struct vps_bundle_opts *o,
		     json_object **sc, struct vps_tmpl_userns *u, vps_err *err)
{
	const char *t = o->tmpl, *init = "/sbin/init";
	int r;
	if (strncmp(t, "dir:", 4) == 0)
		vps_tmpl_progress(o, "copying %s", t + 4);
	else if (strncmp(t, "tar:", 4) == 0)
		vps_tmpl_progress(o, "unpacking %s", t + 4);
	else if (strcmp(t, "busybox") == 0)
		vps_tmpl_progress(o, "installing busybox into %s", rootfs);
	if (strcmp(t, "busybox") == 0)
		r = vps_tmpl_busybox(rootfd, o, err);
	else if (is_debian(t))
		r = vps_tmpl_debian(rootfd, rootfs, t[6] ? t + 7 : "bookworm", o, err);
	else if (strncmp(t, "dir:", 4) == 0)
		r = vps_tmpl_dir(t + 4, rootfs, err);
	else if (strncmp(t, "tar:", 4) == 0)
		r = vps_tmpl_tar(t + 4, rootfs, err);
	else
		return check_template(t, err);
	if (r >= 0 && !o->keep_devices)
		r = vps_tmpl_drop_devices(rootfs, err);
	if (r < 0)
		return vps_error_wrap(err, "template %s", t);
	struct stat st;
	if (fstatat(rootfd, "sbin/init", &st, 0) < 0 && fstatat(rootfd, "bin/sh", &st, 0) == 0)
		init = "/bin/sh"; /* a tree without an init: a shell as pid 1 */
	/* the userns shift is the last write into the rootfs */
	if ((r = vps_tmpl_identity(rootfd, o, err)) < 0 || (r = fill_ssh(rootfd, o, err)) < 0 ||
	    (r = vps_tmpl_userns_rootfs(o, rootfs, u, err)) < 0)
		return r;
	if (o->disk > 0 && !o->disk_dir) {
		vps_tmpl_progress(o, "making the disk %s/%s", o->dir, VPS_DISK_FILE);
		if ((r = vps_disk_create(o->dir, rootfs, (uint64_t)o->disk, err)) < 0)
			return r;
	}
	vps_tmpl_progress(o, "writing %s/config.json", o->dir);
	return vps_tmpl_config(bundlefd, o, init, vps_tmpl_is_systemd(rootfd), take_ptr(*sc), u,
			       err);
}

/* The rootfs made (a project quota's root first with --disk-backend dir: every
 * file the template writes is counted) and filled. */
static int fill(int bundlefd, const struct vps_bundle_opts *o, json_object **sc,
		struct vps_tmpl_userns *u, vps_err *err)
{
	if (mkdirat(bundlefd, "rootfs", 0755) < 0)
		return vps_error(err, errno, "create %s/rootfs", o->dir);
	_cleanup_close_ int rootfd = openat(bundlefd, "rootfs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *rootfs = NULL;
	if (rootfd < 0 || asprintf(&rootfs, "%s/rootfs", o->dir) < 0)
		return vps_error(err, errno, "open %s/rootfs", o->dir);
	struct vps_bundle_opts o2 = *o;
	int r = 0;
	if (o->disk > 0 && o->disk_dir)
		r = vps_disk_dir_create(rootfd, rootfs, (uint64_t)o->disk, &o2.disk_project, err);
	if (r >= 0)
		r = fill_tree(bundlefd, rootfd, rootfs, &o2, sc, u, err);
	vps_err e2;
	if (r < 0 && o2.disk_project && vps_disk_dir_free(rootfs, o2.disk_project, &e2) < 0)
		log_warn("%s", e2.msg);
	return r;
}

int vps_bundle_make(const struct vps_bundle_opts *o, vps_err *err)
{
	bool made_dir = false;
	json_object *sc = NULL;
	int r = vps_tmpl_seccomp(o->seccomp, &sc, err);
	if (r >= 0)
		r = check_request(o, &made_dir, err);
	struct vps_tmpl_userns u;
	if (r >= 0)
		r = vps_tmpl_userns_begin(o, &u, err);
	if (r < 0) {
		json_object_put(sc);
		if (made_dir)
			rmdir(o->dir);
		return r;
	}
	_cleanup_close_ int bundlefd =
	    open(o->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (bundlefd < 0 || fchmod(bundlefd, 0700) < 0)
		r = vps_error(err, errno, "open %s", o->dir);
	else
		r = fill(bundlefd, o, &sc, &u, err);
	json_object_put(sc);
	vps_tmpl_userns_end(&u, r >= 0);
	if (r >= 0)
		return 0;
	if (made_dir) {
		vps_rm_tree_at(AT_FDCWD, o->dir);
	} else if (bundlefd >= 0) {
		vps_rm_tree_at(bundlefd, "rootfs");
		unlinkat(bundlefd, "config.json", 0);
		unlinkat(bundlefd, VPS_DISK_FILE, 0);
	}
	return r;
}
