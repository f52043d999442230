/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Debian trees with more packages (`vps bundle --template debian --packages
 * a,b`): strict package-name checks, the template cache keyed by suite, arch,
 * init and the sorted package set, one builder per cache (flock on
 * CACHE.lock, removed by the builder when done) writing a temp tar renamed
 * into place, and debootstrap's progress for the CLI. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "rootfs/template.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/log.h"

#define PKG_NAME_MAX 100
#define LOCK_TRIES   1024 /* EINTR retries of the blocking flock */

/* Debian policy 5.6.1: lower-case letters, digits, '+', '-', '.'; at least two
 * characters, starting with a letter or digit (so never an option). */
static bool valid_pkg(const char *p, size_t n)
{
	static const char first[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	return n >= 2 && n <= PKG_NAME_MAX && strchr(first, p[0]) && p[0] &&
	       strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789+-.") >= n;
}

int vps_tmpl_pkgs_check(const char *list, vps_err *err)
{
	size_t count = 0;
	for (const char *p = list;; p++) {
		size_t n = strcspn(p, ",");
		if (!valid_pkg(p, n))
			return vps_errorx(err, EINVAL,
					  "--packages \"%.*s\": not a Debian package name "
					  "(2-%d of a-z 0-9 + - ., starting with a letter or "
					  "digit; comma-separated)",
					  (int)(n > PKG_NAME_MAX ? PKG_NAME_MAX : n), p,
					  PKG_NAME_MAX);
		if (++count > VPS_TMPL_MAX_PKGS)
			return vps_errorx(err, EINVAL, "--packages: more than %d packages",
					  VPS_TMPL_MAX_PKGS);
		p += n;
		if (!*p)
			return 0;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "a,b" + "c,a" -> "a,b,c" (sorted, each once); malloc'ed, or NULL. */
static char *sorted_set(const char *base, const char *extra)
{
	_cleanup_free_ char *all = NULL;
	if (asprintf(&all, "%s%s%s", base, extra ? "," : "", extra ? extra : "") < 0)
		return NULL;
	char *v[2 * VPS_TMPL_MAX_PKGS + 2];
	size_t n = 0, len = 0;
	for (char *s = all, *save = NULL, *t; n < ARRAY_SIZE(v) && (t = strtok_r(s, ",", &save));
	     s = NULL)
		v[n++] = t, len += strlen(t) + 1;
	qsort(v, n, sizeof(*v), cmp_str);
	char *out = calloc(1, len + 1), *w = out;
	for (size_t i = 0; out && i < n; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]))
			w += sprintf(w, "%s%s", w == out ? "" : ",", v[i]);
	return out;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 14695981039346656037ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* A builder that died left NAME.tmp.PID behind; under the lock none is live. */
static void drop_stale_temps(const char *dir, const char *name)
{
	char prefix[300];
	if (vps_snprintf(prefix, sizeof(prefix), "%s.tmp.", name) < 0)
		return;
	DIR *d = opendir(dir);
	for (struct dirent *de; d && (de = readdir(d));)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && strcmp(s + n - t, tail) == 0;
}

/* debootstrap's "I: ..." lines: its phases ("Unpacking required
 * packages...", "Configuring the base system...") and the steps within them
 * ("Retrieving libc6 2.36-9", "Unpacking apt..."). */
static void debootstrap_line(void *arg, const char *line)
{
	const struct vps_bundle_opts *o = arg;
	if (strncmp(line, "I: ", 3) != 0)
		return;
	line += 3;
	if (ends_with(line, " packages...") || ends_with(line, " system...") ||
	    ends_with(line, "successfully."))
		vps_tmpl_progress(o, "debootstrap: %s", line);
	else if (o->detail)
		o->detail(line);
}

static int build(const char *rootfs, const char *suite, const char *set, const char *cache,
		 const struct vps_bundle_opts *o, vps_err *err)
{
	_cleanup_free_ char *inc = NULL, *tmp = NULL;
	if (asprintf(&inc, "--include=%s", set) < 0 ||
	    asprintf(&tmp, "%s.tmp.%d", cache, (int)getpid()) < 0)
		return vps_error(err, ENOMEM, "debootstrap");
	char *argv[] = {"debootstrap", "--variant=minbase", inc,
			(char *)suite, (char *)rootfs,	    NULL};
	log_info("debootstrap %s (%s) into %s; later bundles use %s", suite, set, rootfs, cache);
	vps_tmpl_progress(o,
			  "debootstrap %s with %s: the first bundle of this package set downloads "
			  "and installs it (a minute or more); later ones unpack %s",
			  suite, set, cache);
	int r = vps_tmpl_run_lines(argv, -1, -1, debootstrap_line, (void *)o, err);
	if (r < 0)
		return r;
	vps_tmpl_progress(o, "caching the tree in %s", cache);
	/* Host keys are each VPS's own: never in the shared cache. */
	char *tar[] = {"tar",
		       "-c",
		       "--numeric-owner",
		       "--xattrs",
		       "--exclude=./etc/ssh/ssh_host_*",
		       "-f",
		       tmp,
		       "-C",
		       (char *)rootfs,
		       ".",
		       NULL};
	vps_err e = {0};
	if (vps_tmpl_run(tar, &e) < 0 || rename(tmp, cache) < 0) {
		log_warn("could not cache the %s tree in %s: %s", suite, cache,
			 e.msg[0] ? e.msg : strerror(errno));
		unlink(tmp);
	}
	return 0;
}

/* flock(fd) exclusively, blocking, retried after EINTR. */
static int flock_wait(int fd)
{
	for (int i = 0; i < LOCK_TRIES; i++) {
		if (flock(fd, LOCK_EX) == 0)
			return 0;
		if (errno != EINTR)
			break;
	}
	return -errno;
}

/* Hold the lock file path (blocking: another bundle may be building this
 * cache). The holder removes it when done, so a lock won on a file no longer
 * at path is stale: open and lock again. */
static int lock_cache(const char *path, const struct vps_bundle_opts *o, vps_err *err)
{
	bool told = false;
	for (int i = 0; i < LOCK_TRIES; i++) {
		_cleanup_close_ int fd =
		    open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
		if (fd < 0)
			return vps_error(err, errno, "open %s", path);
		if (flock(fd, LOCK_EX | LOCK_NB) < 0 && !told) {
			vps_tmpl_progress(o, "waiting for another vps bundle that is building %.*s",
					  (int)(strlen(path) - 5), path);
			told = true;
		}
		int r = flock_wait(fd);
		if (r < 0)
			return vps_error(err, -r, "lock %s", path);
		struct stat held, now;
		if (fstat(fd, &held) == 0 && stat(path, &now) == 0 && held.st_ino == now.st_ino &&
		    held.st_dev == now.st_dev)
			return take_fd(fd);
	}
	return vps_errorx(err, EAGAIN, "lock %s: it kept being replaced", path);
}

static char *cache_path(const char *dir, const char *suite, const char *init, const char *set,
			const struct vps_bundle_opts *o)
{
	struct utsname u;
	uname(&u);
	char *p = NULL;
	int r;
	if (!o->packages) /* the names from before --packages */
		r = asprintf(&p, "%s/debian-%s%s-%s.tar", dir, suite,
			     strcmp(init, "systemd") == 0 ? "-systemd" : "", u.machine);
	else
		r = asprintf(&p, "%s/debian-%s-%s-%s-pkgs-%016llx.tar", dir, suite, u.machine, init,
			     (unsigned long long)fnv1a(set));
	return r < 0 ? NULL : p;
}

int vps_tmpl_debootstrap_cached(const char *rootfs, const char *suite, const char *init,
				const char *base_pkgs, const struct vps_bundle_opts *o,
				vps_err *err)
{
	const char *dir = o->cache_dir ? o->cache_dir : VPS_CACHE_DIR;
	int r = vps_mkdir_p(dir, 0755, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *set = sorted_set(base_pkgs, o->packages);
	_cleanup_free_ char *cache = set ? cache_path(dir, suite, init, set, o) : NULL;
	if (!cache)
		return vps_error(err, ENOMEM, "template cache");
	_cleanup_free_ char *lock_path = NULL;
	if (asprintf(&lock_path, "%s.lock", cache) < 0)
		return vps_error(err, ENOMEM, "template cache");
	_cleanup_close_ int lock = -1;
	if (access(cache, R_OK) != 0) {
		if ((lock = lock_cache(lock_path, o, err)) < 0)
			return lock;
		drop_stale_temps(dir, strrchr(cache, '/') + 1);
	}
	if (access(cache, R_OK) != 0) {
		r = build(rootfs, suite, set, cache, o, err);
		unlink(lock_path); /* still held: waiters see it is gone and retry */
		return r;
	}
	if (lock >= 0) /* built while we waited; whoever holds the lock removes it */
		unlink(lock_path);
	vps_closep(&lock); /* a finished cache is only read: no lock needed */
	log_info("using cached %s", cache);
	vps_tmpl_progress(o, "unpacking the cached debian %s (%s)", suite, cache);
	return vps_tmpl_tar(cache, rootfs, err);
}
