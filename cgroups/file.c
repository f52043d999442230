/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup file I/O; every error names the full path and the value. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"

int cg_open_dir(struct cg_hier *h, vps_err *err)
{
	if (h->dirfd >= 0)
		return 0;
	h->dirfd = open(h->dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (h->dirfd < 0)
		return vps_error(err, errno, "open cgroup %s", h->dir);
	return 0;
}

static int dirfd_of(struct cg_hier *h, vps_err *err)
{
	int r = cg_open_dir(h, err);
	return r < 0 ? r : h->dirfd;
}

int cg_write(struct cg_hier *h, const char *file, const char *val, vps_err *err)
{
	int dfd = dirfd_of(h, err);
	if (dfd < 0)
		return dfd;
	_cleanup_close_ int fd = openat(dfd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && h->v2 && strchr(file, '.'))
		return vps_errorx(err, ENOENT,
				  "%s/%s does not exist: the %.*s controller is not "
				  "enabled for this cgroup (the parent's "
				  "cgroup.subtree_control lacks it, or the kernel has no %.*s)",
				  h->dir, file, (int)strcspn(file, "."), file,
				  (int)strcspn(file, "."), file);
	if (fd < 0)
		return vps_error(err, errno, "open %s/%s", h->dir, file);
	size_t len = strlen(val);
	ssize_t w;
	do
		w = write(fd, val, len);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return vps_error(err, errno, "write \"%s\" to %s/%s", val, h->dir, file);
	if ((size_t)w != len)
		return vps_errorx(err, EIO, "write \"%s\" to %s/%s: short write", val, h->dir,
				  file);
	return 0;
}

int cg_writef(struct cg_hier *h, const char *file, vps_err *err, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return vps_errorx(err, EINVAL, "%s/%s: value too long", h->dir, file);
	return cg_write(h, file, buf, err);
}

int cg_read(struct cg_hier *h, const char *file, char **out, vps_err *err)
{
	int dfd = dirfd_of(h, err);
	if (dfd < 0)
		return dfd;
	int r = vps_read_file_at(dfd, file, 1 << 20, out, NULL, err);
	if (r < 0)
		return vps_error_wrap(err, "cgroup %s", h->dir);
	return 0;
}

int cg_read_u64(struct cg_hier *h, const char *file, uint64_t *v, vps_err *err)
{
	_cleanup_free_ char *txt = NULL;
	int r = cg_read(h, file, &txt, err);
	if (r < 0)
		return r;
	if (strncmp(txt, "max", 3) == 0) {
		*v = UINT64_MAX;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long x = strtoull(txt, &end, 10);
	if (errno || end == txt)
		return vps_errorx(err, EINVAL, "%s/%s: not a number: \"%.40s\"", h->dir, file, txt);
	*v = x;
	return 0;
}

bool cg_has_file(struct cg_hier *h, const char *file)
{
	vps_err e;
	int dfd = dirfd_of(h, &e);
	return dfd >= 0 && faccessat(dfd, file, F_OK, 0) == 0;
}

int cg_keyed_u64(const char *text, const char *key, uint64_t *v)
{
	size_t kl = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, key, kl) == 0 && p[kl] == ' ') {
			*v = strtoull(p + kl + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

void cg_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}
