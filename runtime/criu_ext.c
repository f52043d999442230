/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a checkpoint leaves outside the images: the container's mounts whose
 * source is on the host (spec bind mounts, the cgroup hierarchies), the
 * init's stdio when it comes from the host (a file, a pipe, a pty of the
 * caller), and a network namespace the container joined by path. On dump each
 * becomes a CRIU --external; IMAGE/vps-checkpoint.json records them so that
 * restore can give CRIU the new host objects (--external mnt[..]:SRC,
 * --inherit-fd). runc keeps the same idea in descriptors.json. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "runtime/criu.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

#define MOUNTINFO_MAX 4096 /* mounts looked at in one container */

void vps_ckpt_meta_free(struct vps_ckpt_meta *m)
{
	free(m->mounts);
	m->mounts = NULL;
	m->n_mounts = 0;
	json_object_put(m->net);
	m->net = NULL;
	json_object_put(m->netconf);
	m->netconf = NULL;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] && s[3]) {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else
			*o++ = *s;
	}
	*o = '\0';
}

bool vps_ckpt_is_bind(const struct oci_mount *mt)
{
	bool bind = mt->type && strcmp(mt->type, "bind") == 0;
	for (size_t k = 0; k < mt->n_options && !bind; k++)
		bind = !strcmp(mt->options[k], "bind") || !strcmp(mt->options[k], "rbind");
	return bind;
}

int vps_ckpt_mount_source(const struct oci_mount *mt, const char *bundle, char *buf, size_t sz)
{
	bool rel = mt->source[0] != '/';
	return vps_snprintf(buf, sz, "%s%s%s", rel ? bundle : "", rel ? "/" : "", mt->source);
}

static bool spec_binds(const struct oci_spec *spec, const char *dest)
{
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (vps_ckpt_is_bind(&spec->mounts[i]) &&
		    strcmp(spec->mounts[i].destination, dest) == 0)
			return true;
	return false;
}

static int add_mount(struct vps_ckpt_meta *m, const char *dest, enum vps_ckpt_mount kind,
		     const char *source, vps_err *err)
{
	if (m->n_mounts >= VPS_CKPT_MAX_EXT)
		return vps_errorx(err, E2BIG, "more than %d external mounts", VPS_CKPT_MAX_EXT);
	void *p = realloc(m->mounts, (m->n_mounts + 1) * sizeof(*m->mounts));
	if (!p)
		return vps_error(err, ENOMEM, "checkpoint mounts");
	m->mounts = p;
	if (vps_snprintf(m->mounts[m->n_mounts].dest, sizeof(m->mounts->dest), "%s", dest) < 0 ||
	    vps_snprintf(m->mounts[m->n_mounts].source, sizeof(m->mounts->source), "%s",
			 source ? source : "") < 0)
		return vps_errorx(err, ENAMETOOLONG, "external mount %.64s: %s too long", dest,
				  strlen(dest) >= sizeof(m->mounts->dest) ? "path" : "source");
	m->mounts[m->n_mounts++].kind = kind;
	return 0;
}

/* The init's mounts: cgroup hierarchies and spec binds are external. ids[]
 * collects the mount ids (to tell the host's files from the container's). */
/* DEST in pid's root is a regular file (a bind of one cgroup file) */
static bool is_file(pid_t pid, const char *dest)
{
	char path[4200];
	struct stat sb;
	return vps_snprintf(path, sizeof(path), "/proc/%d/root%s", (int)pid, dest) >= 0 &&
	       stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static int scan_mounts(pid_t pid, const struct oci_spec *spec, struct vps_ckpt_meta *m, int *ids,
		       size_t *n_ids, vps_err *err)
{
	struct {
		char line[8192], dest[4096], root[4096], fstype[64];
	} *b = malloc(sizeof(*b)); /* too big for the stack */
	struct vps_procpath path_pp;
	const char *path = vps_procpath(&path_pp, pid, "mountinfo");
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f || !b) {
		free(b);
		return vps_error(err, f ? ENOMEM : errno, "open %s", path);
	}
	*n_ids = 0;
	int r = 0;
	while (r == 0 && *n_ids < MOUNTINFO_MAX && fgets(b->line, sizeof(b->line), f)) {
		int id;
		const char *dash = strstr(b->line, " - ");
		if (!dash ||
		    sscanf(b->line, "%d %*d %*s %4095s %4095s", &id, b->root, b->dest) != 3 ||
		    sscanf(dash + 3, "%63s", b->fstype) != 1)
			continue;
		ids[(*n_ids)++] = id;
		unescape(b->dest);
		unescape(b->root);
		const char *base = strrchr(b->root, '/'), *dest = b->dest;
		char source[80];
		if (strcmp(b->fstype, "cgroup2") == 0) /* the dir itself, or one of its files */
			r = add_mount(m, dest, VPS_CKPT_CGFILE,
				      base && is_file(pid, dest) ? base + 1 : "", err);
		else if (strcmp(b->fstype, "cgroup") == 0)
			r = add_mount(m, dest, VPS_CKPT_CGROUP, NULL, err);
		else if (strcmp(b->fstype, "devpts") == 0 && strcmp(dest, "/dev/console") == 0)
			r = add_mount(m, dest, VPS_CKPT_CONSOLE, NULL, err);
		else if (strcmp(dest, "/") != 0 && spec_binds(spec, dest))
			r = add_mount(m, dest, VPS_CKPT_BIND, NULL, err);
		else if (strcmp(b->fstype, "devtmpfs") == 0 && strlen(b->root) < 64 &&
			 vps_snprintf(source, sizeof(source), "/dev%s", b->root) >= 0)
			/* a user namespace cannot make device nodes: vps binds the
			 * host's (/dev/null, also on masked paths) */
			r = add_mount(m, dest, VPS_CKPT_HOSTDEV, source, err);
	}
	free(b);
	return r;
}

static int fd_mnt_id(pid_t pid, int fd)
{
	char path[64], line[256];
	/* fits: a pid and an fd in 64 */
	vps_snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	int id = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "mnt_id: %d", &id) == 1)
			break;
	return id;
}

/* CRIU's key for the init's fd (0-2) when it lies outside the container, and
 * the --external the dump needs for it ("" when CRIU dumps it by itself). */
static void fd_key(pid_t pid, int fd, const int *ids, size_t n_ids, char *key, char *ext)
{
	char path[64], target[256] = "";
	struct stat st;
	*key = *ext = '\0';
	/* fits: a pid and an fd */
	vps_snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0 || stat(path, &st) < 0)
		return;
	target[n] = '\0';
	if (strncmp(target, "pipe:", 5) == 0 || strncmp(target, "socket:", 7) == 0) {
		/* fits: pipe:[INODE] or socket:[INODE] */
		vps_snprintf(key, VPS_CKPT_KEY_MAX, "%s", target);
		return;
	}
	if (S_ISCHR(st.st_mode) && major(st.st_rdev) >= 136 && major(st.st_rdev) <= 143) {
		/* a pty slave (Unix98 majors): its master is outside the container */
		/* fits: two hex numbers in 64 */
		vps_snprintf(key, VPS_CKPT_KEY_MAX, "tty[%x:%x]", (unsigned)st.st_rdev,
			     (unsigned)st.st_dev);
		vps_snprintf(ext, VPS_CKPT_KEY_MAX, "%s", key); /* fits: a copy of the same size */
		return;
	}
	int mnt = fd_mnt_id(pid, fd);
	for (size_t i = 0; i < n_ids; i++)
		if (ids[i] == mnt)
			return; /* on a mount of the container: CRIU reopens it */
	if (target[0] == '/' && mnt >= 0) {
		/* fits: two hex numbers in 64 */
		vps_snprintf(key, VPS_CKPT_KEY_MAX, "file[%x:%lx]", (unsigned)mnt,
			     (unsigned long)st.st_ino);
		vps_snprintf(ext, VPS_CKPT_KEY_MAX, "%s", key); /* fits: a copy of the same size */
	}
}

int vps_ckpt_netns_external(pid_t pid, struct vps_argv *a, vps_err *err)
{
	struct stat st;
	struct vps_procpath path_pp;
	const char *path = vps_procpath(&path_pp, pid, "ns/net");
	if (stat(path, &st) < 0)
		return vps_error(err, errno, "stat %s", path);
	vps_argv_add(a, "--external");
	vps_argv_add(a, "net[%lu]:%s", (unsigned long)st.st_ino, VPS_CKPT_NS_KEY);
	return 0;
}

/* /dev/console, a pty whose master is outside (ours, the monitor's): any
 * process of the VPS may hold it (getty, journald), not only the init's
 * stdio, so it is external whenever it is there. */
static void console_key(pid_t pid, struct vps_ckpt_meta *m, struct vps_argv *a)
{
	char path[64];
	struct stat st;
	bool have = false;
	for (size_t i = 0; i < m->n_mounts; i++)
		have = have || m->mounts[i].kind == VPS_CKPT_CONSOLE;
	/* fits: a pid in 64 */
	vps_snprintf(path, sizeof(path), "/proc/%d/root/dev/console", (int)pid);
	if (!have || stat(path, &st) < 0 || !S_ISCHR(st.st_mode))
		return;
	/* fits: two hex numbers in 64 */
	vps_snprintf(m->console, VPS_CKPT_KEY_MAX, "tty[%x:%x]", (unsigned)st.st_rdev,
		     (unsigned)st.st_dev);
	for (int fd = 0; fd < 3; fd++)
		if (strcmp(m->fds[fd], m->console) == 0)
			return; /* already external as the init's stdio */
	vps_argv_add(a, "--external");
	vps_argv_add(a, "%s", m->console);
}

int vps_ckpt_describe(pid_t pid, const struct oci_spec *spec, struct vps_ckpt_meta *m,
		      struct vps_argv *a, vps_err *err)
{
	_cleanup_free_ int *ids = calloc(MOUNTINFO_MAX, sizeof(int));
	size_t n_ids = 0;
	if (!ids)
		return vps_error(err, ENOMEM, "mount ids");
	*m = (struct vps_ckpt_meta){.pid = pid};
	m->terminal = spec->process && spec->process->terminal;
	int r = scan_mounts(pid, spec, m, ids, &n_ids, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < m->n_mounts; i++) {
		vps_argv_add(a, "--external");
		vps_argv_add(a, "mnt[%s]:%s", m->mounts[i].dest, m->mounts[i].dest);
	}
	for (int fd = 0; fd < 3; fd++) {
		char ext[VPS_CKPT_KEY_MAX];
		fd_key(pid, fd, ids, n_ids, m->fds[fd], ext);
		bool dup = false;
		for (int k = 0; k < fd; k++)
			dup = dup || (*ext && strcmp(m->fds[k], ext) == 0);
		if (*ext && !dup) {
			vps_argv_add(a, "--external");
			vps_argv_add(a, "%s", ext);
		}
	}
	console_key(pid, m, a);
	const struct oci_namespace *ns = &spec->lx.namespaces[OCI_NS_NETWORK];
	m->netns_external = ns->present && ns->path;
	m->net_isolated = vps_ckpt_net_isolated(pid, spec);
	return m->netns_external ? vps_ckpt_netns_external(pid, a, err) : 0;
}

static const char *const kinds[] = {"bind", "cgroup", "console", "hostdev", "cgfile"};

int vps_ckpt_meta_save(const char *image_dir, const struct vps_ckpt_meta *m, vps_err *err)
{
	json_object *o = json_object_new_object(), *mounts = json_object_new_array(),
		    *fds = json_object_new_array();
	if (!o || !mounts || !fds) {
		json_object_put(o), json_object_put(mounts), json_object_put(fds);
		return vps_error(err, ENOMEM, "%s", VPS_CKPT_META);
	}
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "pid", json_object_new_int(m->pid));
	json_object_object_add(o, "terminal", json_object_new_boolean(m->terminal));
	json_object_object_add(o, "netnsExternal", json_object_new_boolean(m->netns_external));
	json_object_object_add(o, "netIsolated", json_object_new_boolean(m->net_isolated));
	json_object_object_add(o, "netnsRenew", json_object_new_boolean(m->netns_renew));
	json_object_object_add(o, "tcpEstablished", json_object_new_boolean(m->tcp_established));
	for (size_t i = 0; i < m->n_mounts; i++) {
		json_object *e = json_object_new_object();
		json_object_object_add(e, "destination", json_object_new_string(m->mounts[i].dest));
		json_object_object_add(e, "kind", json_object_new_string(kinds[m->mounts[i].kind]));
		if (*m->mounts[i].source)
			json_object_object_add(e, "source",
					       json_object_new_string(m->mounts[i].source));
		json_object_array_add(mounts, e);
	}
	for (int i = 0; i < 3; i++)
		json_object_array_add(fds, json_object_new_string(m->fds[i]));
	json_object_object_add(o, "mounts", mounts);
	json_object_object_add(o, "stdio", fds);
	if (*m->console)
		json_object_object_add(o, "console", json_object_new_string(m->console));
	if (m->net)
		json_object_object_add(o, "net", json_object_get(m->net));
	if (m->netconf)
		json_object_object_add(o, "netConf", json_object_get(m->netconf));
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	_cleanup_close_ int dfd = open(image_dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	int r = dfd < 0 ? vps_error(err, errno, "open %s", image_dir)
			: vps_write_atomic_at(dfd, VPS_CKPT_META, s, strlen(s), 0600, (uid_t)-1,
					      (gid_t)-1, err);
	json_object_put(o);
	return r;
}

static const char *str_at(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		   ? json_object_get_string(v)
		   : NULL;
}

static int meta_parse(json_object *o, struct vps_ckpt_meta *m, vps_err *err)
{
	json_object *v, *mounts, *fds;
	if (!json_object_object_get_ex(o, "mounts", &mounts) ||
	    !json_object_is_type(mounts, json_type_array) ||
	    !json_object_object_get_ex(o, "stdio", &fds) ||
	    !json_object_is_type(fds, json_type_array) || json_object_array_length(fds) != 3)
		return vps_errorx(err, EINVAL, "%s: not a vps checkpoint record", VPS_CKPT_META);
	if (json_object_object_get_ex(o, "pid", &v))
		m->pid = json_object_get_int(v);
	m->terminal = json_object_object_get_ex(o, "terminal", &v) && json_object_get_boolean(v);
	m->netns_external =
	    json_object_object_get_ex(o, "netnsExternal", &v) && json_object_get_boolean(v);
	m->net_isolated =
	    json_object_object_get_ex(o, "netIsolated", &v) && json_object_get_boolean(v);
	m->tcp_established =
	    json_object_object_get_ex(o, "tcpEstablished", &v) && json_object_get_boolean(v);
	m->netns_renew =
	    json_object_object_get_ex(o, "netnsRenew", &v) && json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "net", &v)) {
		if (!json_object_is_type(v, json_type_object))
			return vps_errorx(err, EINVAL, "%s: net: not an object", VPS_CKPT_META);
		m->net = json_object_get(v);
	}
	if (json_object_object_get_ex(o, "netConf", &v)) {
		if (!json_object_is_type(v, json_type_object))
			return vps_errorx(err, EINVAL, "%s: netConf: not an object", VPS_CKPT_META);
		m->netconf = json_object_get(v);
	}
	for (size_t i = 0; i < json_object_array_length(mounts); i++) {
		json_object *e = json_object_array_get_idx(mounts, i);
		const char *d = str_at(e, "destination"), *k = str_at(e, "kind");
		if (!d || !k || *d != '/')
			return vps_errorx(err, EINVAL, "%s: mounts[%zu]: bad entry", VPS_CKPT_META,
					  i);
		size_t kind = 0;
		while (kind < ARRAY_SIZE(kinds) && strcmp(kinds[kind], k) != 0)
			kind++;
		if (kind == ARRAY_SIZE(kinds))
			return vps_errorx(err, EINVAL, "%s: mounts[%zu]: unknown kind \"%s\"",
					  VPS_CKPT_META, i, k);
		const char *src = str_at(e, "source");
		if ((kind == VPS_CKPT_HOSTDEV && (!src || strncmp(src, "/dev/", 5) != 0)) ||
		    (kind == VPS_CKPT_CGROUP && src && strncmp(src, "/sys/fs/cgroup", 14) != 0))
			return vps_errorx(err, EINVAL, "%s: mounts[%zu]: bad source", VPS_CKPT_META,
					  i);
		if (kind == VPS_CKPT_CGFILE && src && strchr(src, '/'))
			return vps_errorx(err, EINVAL, "%s: mounts[%zu]: bad cgroup file",
					  VPS_CKPT_META, i);
		int r = add_mount(m, d, (enum vps_ckpt_mount)kind, src, err);
		if (r < 0)
			return r;
	}
	for (int i = 0; i < 3; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(fds, (size_t)i));
		/* fits: keys written by vps in the same size (else empty: not mapped) */
		vps_snprintf(m->fds[i], VPS_CKPT_KEY_MAX, "%s", s ? s : "");
	}
	const char *con = str_at(o, "console");
	/* fits: keys written by vps in the same size (else empty: not mapped) */
	vps_snprintf(m->console, VPS_CKPT_KEY_MAX, "%s",
		     con && !strncmp(con, "tty[", 4) ? con : "");
	return 0;
}

int vps_ckpt_meta_load(const char *image_dir, struct vps_ckpt_meta *m, vps_err *err)
{
	char path[4096];
	_cleanup_free_ char *text = NULL;
	size_t len;
	*m = (struct vps_ckpt_meta){0};
	if (vps_snprintf(path, sizeof(path), "%s/%s", image_dir, VPS_CKPT_META) < 0)
		return vps_errorx(err, ENAMETOOLONG, "--image-path %s: too long", image_dir);
	int r = vps_read_file_at(AT_FDCWD, path, 1 << 20, &text, &len, err);
	if (r < 0)
		return r;
	json_object *o = json_tokener_parse(text);
	if (!o)
		return vps_errorx(err, EINVAL, "%s: not JSON", path);
	r = meta_parse(o, m, err);
	json_object_put(o);
	if (r < 0)
		vps_ckpt_meta_free(m);
	return r;
}

static const struct oci_mount *spec_mount(const struct oci_spec *spec, const char *dest)
{
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (strcmp(spec->mounts[i].destination, dest) == 0)
			return &spec->mounts[i];
	return NULL;
}

int vps_ckpt_restore_mounts(const struct vps_ckpt_meta *m, const struct vps_ckpt_sources *src,
			    struct vps_argv *a, vps_err *err)
{
	for (size_t i = 0; i < m->n_mounts; i++) {
		const char *dest = m->mounts[i].dest;
		vps_argv_add(a, "--external");
		if (m->mounts[i].kind == VPS_CKPT_CGROUP) {
			/* vps mounts each hierarchy at the path the host has it
			 * (rootfs/cgroupmount.c): the same path plus the new cgroup */
			const char *host = *m->mounts[i].source ? m->mounts[i].source : dest;
			vps_argv_add(a, "mnt[%s]:%s%s", dest, host, src->cgroup_rel);
			continue;
		}
		if (m->mounts[i].kind == VPS_CKPT_HOSTDEV) {
			vps_argv_add(a, "mnt[%s]:%s", dest, m->mounts[i].source);
			continue;
		}
		if (m->mounts[i].kind == VPS_CKPT_CGFILE) {
			if (!src->cgroup_v2_dir)
				return vps_errorx(err, ENOENT,
						  "the checkpoint has the cgroup2 %s%s at %s: this "
						  "host has no cgroup2 directory for it",
						  *m->mounts[i].source ? "file " : "directory",
						  m->mounts[i].source, dest);
			vps_argv_add(a, "mnt[%s]:%s%s%s", dest, src->cgroup_v2_dir,
				     *m->mounts[i].source ? "/" : "", m->mounts[i].source);
			continue;
		}
		if (m->mounts[i].kind == VPS_CKPT_CONSOLE) {
			if (!src->console)
				return vps_errorx(err, EINVAL,
						  "the checkpoint has a console: "
						  "process.terminal must be true");
			vps_argv_add(a, "mnt[%s]:%s", dest, src->console);
			continue;
		}
		const struct oci_mount *mt = spec_mount(src->spec, dest);
		if (!mt || !mt->source)
			return vps_errorx(err, ENOENT,
					  "the checkpoint has a bind mount at %s that config.json "
					  "does not have",
					  dest);
		char source[4096];
		if (vps_ckpt_mount_source(mt, src->bundle, source, sizeof(source)) < 0)
			return vps_errorx(err, ENAMETOOLONG, "mount %s: source too long", dest);
		vps_argv_add(a, "mnt[%s]:%s", dest, source);
	}
	return 0;
}
