/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The console log the monitor writes (mon.h): ROOT/ID/console.log, 0600,
 * renamed to console.log.1 (replacing the older part) when it reaches
 * VPS_CONSOLE_LOG_MAX, so a chatty VPS never fills the host's /run. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/create.h"
#include "runtime/mon.h"
#include "util/fmt.h"
#include "util/io.h"

static int open_part(const char *dir, off_t *size)
{
	char path[PATH_MAX + 16];
	if (vps_snprintf(path, sizeof(path), "%s/%s", dir, VPS_CONSOLE_LOG) < 0)
		return -ENAMETOOLONG;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct stat st;
	if (fd < 0)
		return -errno;
	*size = fstat(fd, &st) == 0 ? st.st_size : 0;
	return fd;
}

int vps_conlog_open(struct vps_conlog *l, const char *dir, vps_err *err)
{
	if (vps_snprintf(l->dir, sizeof(l->dir), "%s", dir) < 0)
		return vps_errorx(err, ENAMETOOLONG, "console log in %s: path too long", dir);
	l->fd = open_part(dir, &l->size);
	if (l->fd < 0)
		return vps_error(err, -l->fd, "%s/%s", dir, VPS_CONSOLE_LOG);
	return 0;
}

static void rotate(struct vps_conlog *l)
{
	char from[PATH_MAX + 16], to[PATH_MAX + 16];
	if (vps_snprintf(from, sizeof(from), "%s/%s", l->dir, VPS_CONSOLE_LOG) < 0 ||
	    vps_snprintf(to, sizeof(to), "%s/%s.1", l->dir, VPS_CONSOLE_LOG) < 0)
		return;
	if (rename(from, to) < 0)
		return; /* the dir is gone (a delete): keep writing where we are */
	close(l->fd);
	l->fd = open_part(l->dir, &l->size);
}

void vps_conlog_write(struct vps_conlog *l, const char *buf, size_t n)
{
	if (l->fd < 0)
		return;
	if (vps_write_all(l->fd, buf, n) == 0)
		l->size += (off_t)n;
	if (l->size >= VPS_CONSOLE_LOG_MAX)
		rotate(l);
}

void vps_conlog_close(struct vps_conlog *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

void vps_conlog_stash(const char *root, const char *id, bool stash)
{
	static const char *const parts[] = {"", ".1"};
	for (size_t i = 0; i < 2; i++) {
		char in[PATH_MAX + 32], out[PATH_MAX + 32];
		if (vps_snprintf(in, sizeof(in), "%s/%s/%s%s", root, id, VPS_CONSOLE_LOG,
				 parts[i]) < 0 ||
		    vps_snprintf(out, sizeof(out), "%s/.%s.%s%s", root, id, VPS_CONSOLE_LOG,
				 parts[i]) < 0)
			return;
		if (stash)
			rename(in, out);
		else
			rename(out, in);
	}
}
