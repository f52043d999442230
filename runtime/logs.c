/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps logs NAME [-n N] [-f] (issue 16): the console log, older part
 * (console.log.1) first, to an fd; the last N lines only with -n; with -f it
 * goes on with what is appended, across rotations and reboots (the part's
 * inode is followed; a new console.log is read from its start), until the
 * VPS's state dir has been gone for a second. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/create.h"
#include "runtime/mon.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/io.h"

#define PART_MAX  (4 * VPS_CONSOLE_LOG_MAX) /* what a part may hold when read */
#define FOLLOW_MS 200
#define GONE_MS	  1000

/* Both parts, older first (missing ones are empty). */
static int read_parts(const char *dir, char **text, size_t *len, size_t *cur, vps_err *err)
{
	_cleanup_free_ char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;
	_cleanup_close_ int dfd = open(dir, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return vps_error(err, errno, "%s", dir);
	int r = vps_read_file_at(dfd, VPS_CONSOLE_LOG ".1", PART_MAX, &a, &la, err);
	if (r < 0 && r != -ENOENT)
		return r;
	int r2 = vps_read_file_at(dfd, VPS_CONSOLE_LOG, PART_MAX, &b, &lb, err);
	if (r2 < 0 && r2 != -ENOENT)
		return r2;
	if (r == -ENOENT && r2 == -ENOENT)
		return vps_errorx(err, ENOENT,
				  "no console log (%s/%s): not a VPS with a monitor (vps create or "
				  "run -d of a vps bundle)",
				  dir, VPS_CONSOLE_LOG);
	char *t = malloc(la + lb + 1);
	if (!t)
		return vps_error(err, ENOMEM, "console log");
	memcpy(t, a ? a : "", la);
	memcpy(t + la, b ? b : "", lb);
	*text = t;
	*len = la + lb;
	*cur = lb;
	return 0;
}

/* The start of the last n lines of text (a last line without "\n" counts). */
static size_t tail_start(const char *t, size_t len, long n)
{
	size_t i = len;
	if (i && t[i - 1] == '\n')
		i--;
	for (long seen = 0; i > 0; i--)
		if (t[i - 1] == '\n' && ++seen == n)
			break;
	return i;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Copy what fd has from its offset on. */
static int pump(int fd, int out)
{
	char buf[8192];
	for (int guard = 0; guard < 1 << 16; guard++) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return n < 0 ? -errno : 0;
		int r = vps_write_all(out, buf, (size_t)n);
		if (r < 0)
			return r;
	}
	return 0;
}

static int follow(const char *dir, off_t from, int out, vps_err *err)
{
	char path[PATH_MAX + 16];
	if (vps_snprintf(path, sizeof(path), "%s/%s", dir, VPS_CONSOLE_LOG) < 0)
		return vps_errorx(err, ENAMETOOLONG, "%s: too long", dir);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		lseek(fd, from, SEEK_SET);
	long gone = 0;
	for (;;) { /* until the VPS is gone or we are killed */
		if (fd >= 0 && pump(fd, out) == -EPIPE)
			return 0;
		struct stat a, b;
		bool exists = stat(path, &a) == 0;
		if (exists && (fd < 0 || (fstat(fd, &b) == 0 && a.st_ino != b.st_ino))) {
			if (fd >= 0)
				pump(fd, out); /* the rest of the rotated part */
			vps_closep(&fd);
			fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		}
		struct stat d;
		gone = stat(dir, &d) == 0 ? 0 : gone + FOLLOW_MS;
		if (gone >= GONE_MS)
			return 0;
		sleep_ms(FOLLOW_MS);
	}
}

int vps_logs(const char *root, const char *id, long lines, bool follow_on, int out, vps_err *err)
{
	char dir[PATH_MAX];
	int r = vps_id_validate(id, err);
	if (r < 0)
		return r;
	if (vps_snprintf(dir, sizeof(dir), "%s/%s", root, id) < 0)
		return vps_errorx(err, ENAMETOOLONG, "state dir of %s: too long", id);
	struct stat d;
	if (stat(dir, &d) < 0)
		return vps_errorx(err, ENOENT, "container \"%s\" does not exist", id);
	_cleanup_free_ char *t = NULL;
	size_t len = 0, cur = 0;
	if ((r = read_parts(dir, &t, &len, &cur, err)) < 0)
		return r;
	size_t at = lines >= 0 ? tail_start(t, len, lines) : 0;
	if ((r = vps_write_all(out, t + at, len - at)) < 0)
		return r == -EPIPE ? 0 : vps_error(err, -r, "write the log");
	if (!follow_on)
		return 0;
	return follow(dir, (off_t)cur, out, err); /* from the end of what was read */
}
