/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whether checkpoint works here: `criu check` and `criu --version` of the
 * criu vps would run, for `vps features`. The answer is cached in
 * ROOT/criu-check.json, keyed by the binary's path, size and mtime, because
 * criu check takes a fraction of a second and features is called by engines. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/runtime.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/io.h"

#define CACHE "criu-check.json"

/* snprintf that may cut a long message short (what the cache and features show) */
static void put(char *buf, size_t sz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *buf, size_t sz, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
}

/* criu on PATH, as execvp would find it */
static int find_criu(const char *criu, char *out, size_t sz)
{
	if (criu && *criu)
		return vps_snprintf(out, sz, "%s", criu) < 0 ? -1 : 0;
	const char *path = getenv("PATH");
	_cleanup_free_ char *dup =
	    strdup(path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	char *save = NULL;
	for (char *d = dup ? strtok_r(dup, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save))
		if (vps_snprintf(out, sz, "%s/criu", d) >= 0 && access(out, X_OK) == 0)
			return 0;
	return -1;
}

/* Run PATH ARG; its output (stdout and stderr, at most sz-1 bytes) in out.
 * The exit status, or -1 when it could not run. */
static int capture(const char *path, const char *arg, char *out, size_t sz)
{
	int p[2];
	*out = '\0';
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		execl(path, path, arg, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	ssize_t n = pid > 0 ? vps_read_full(p[0], out, sz - 1) : -1;
	close(p[0]);
	out[n > 0 ? n : 0] = '\0';
	int ws;
	if (pid < 0 || waitpid(pid, &ws, 0) < 0)
		return -1;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

/* The check itself: ok and "criu VERSION at PATH", or not ok and the reason. */
static bool check(const char *path, char *msg, size_t sz)
{
	static char out[8192];
	if (capture(path, "--version", out, sizeof(out)) != 0) {
		put(msg, sz, "%s --version failed", path);
		return false;
	}
	char ver[64] = "?";
	const char *v = strstr(out, "Version: ");
	if (v)
		sscanf(v + 9, "%63s", ver);
	if (capture(path, "check", out, sizeof(out)) == 0) {
		put(msg, sz, "criu %s at %s", ver, path);
		return true;
	}
	/* the first Error line says why */
	const char *e = strstr(out, "Error");
	const char *m = e ? strstr(e, "): ") : NULL;
	char why[256];
	put(why, sizeof(why), "%s", m ? m + 3 : (e ? e : out));
	why[strcspn(why, "\n")] = '\0';
	put(msg, sz, "criu %s at %s: criu check fails: %s", ver, path, why);
	return false;
}

static bool cached(const char *file, const char *path, const struct stat *st, bool *ok, char *msg,
		   size_t sz)
{
	json_object *o = json_object_from_file(file), *v;
	bool hit = o && json_object_object_get_ex(o, "criu", &v) &&
		   strcmp(json_object_get_string(v), path) == 0 &&
		   json_object_object_get_ex(o, "size", &v) &&
		   json_object_get_int64(v) == st->st_size &&
		   json_object_object_get_ex(o, "mtime", &v) &&
		   json_object_get_int64(v) == st->st_mtim.tv_sec &&
		   json_object_object_get_ex(o, "message", &v);
	if (hit) {
		put(msg, sz, "%s", json_object_get_string(v));
		*ok = json_object_object_get_ex(o, "ok", &v) && json_object_get_boolean(v);
	}
	json_object_put(o);
	return hit;
}

static void cache_save(const char *root, const char *path, const struct stat *st, bool ok,
		       const char *msg)
{
	json_object *o = json_object_new_object();
	if (!o)
		return;
	json_object_object_add(o, "criu", json_object_new_string(path));
	json_object_object_add(o, "size", json_object_new_int64(st->st_size));
	json_object_object_add(o, "mtime", json_object_new_int64(st->st_mtim.tv_sec));
	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	json_object_object_add(o, "message", json_object_new_string(msg));
	const char *s = json_object_to_json_string(o);
	vps_err ignore;
	_cleanup_close_ int dfd = open(root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (dfd >= 0)
		vps_write_atomic_at(dfd, CACHE, s, strlen(s), 0644, (uid_t)-1, (gid_t)-1, &ignore);
	json_object_put(o);
}

int vps_checkpoint_probe(const char *root, const char *criu, char *buf, size_t sz, vps_err *err)
{
	char path[PATH_MAX], file[PATH_MAX], msg[512];
	struct stat st;
	bool ok = false;
	if (find_criu(criu, path, sizeof(path)) < 0 || stat(path, &st) < 0)
		return vps_errorx(err, ENOENT, "no criu (%s)",
				  criu ? criu : "not on PATH; give --criu PATH");
	bool have = vps_snprintf(file, sizeof(file), "%s/%s", root, CACHE) >= 0 &&
		    cached(file, path, &st, &ok, msg, sizeof(msg));
	if (!have) {
		ok = check(path, msg, sizeof(msg));
		cache_save(root, path, &st, ok, msg);
	}
	if (!ok)
		return vps_errorx(err, ENOTSUP, "%s", msg);
	put(buf, sz, "%s", msg);
	return 0;
}
