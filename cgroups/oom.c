/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OOM notification: v2 memory.events changes wake poll() with POLLPRI; v1
 * signals an eventfd registered through cgroup.event_control on
 * memory.oom_control. The count of OOM kills comes from oom_kill in either. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"

int vps_cgroup_oom_watch(struct vps_cgroup *cg, struct vps_oom_watch *w, vps_err *err)
{
	struct cg_hier *h;
	int r = cg_need(cg, "memory", "OOM events", &h, err);
	w->fd = w->aux = -1;
	if (r < 0 || (r = cg_open_dir(h, err)) < 0)
		return r;
	w->v2 = h->v2;
	if (h->v2) {
		w->fd = openat(h->dirfd, "memory.events", O_RDONLY | O_CLOEXEC);
		if (w->fd < 0)
			return vps_error(err, errno, "open %s/memory.events", h->dir);
		vps_cgroup_oom_ack(w);
		return 0;
	}
	_cleanup_close_ int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	_cleanup_close_ int ofd = openat(h->dirfd, "memory.oom_control", O_RDONLY | O_CLOEXEC);
	if (efd < 0 || ofd < 0)
		return vps_error(err, errno, "OOM events: %s",
				 efd < 0 ? "eventfd" : "open memory.oom_control");
	if ((r = cg_writef(h, "cgroup.event_control", err, "%d %d", efd, ofd)) < 0)
		return r;
	w->fd = take_fd(efd);
	w->aux = take_fd(ofd);
	return 0;
}

void vps_cgroup_oom_ack(struct vps_oom_watch *w)
{
	char buf[512];
	if (w->fd < 0)
		return;
	if (w->v2) { /* reading re-arms kernfs' POLLPRI */
		if (lseek(w->fd, 0, SEEK_SET) == 0)
			while (read(w->fd, buf, sizeof(buf)) > 0)
				;
	} else {
		uint64_t n;
		if (read(w->fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
			return;
	}
}

void vps_cgroup_oom_unwatch(struct vps_oom_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	if (w->aux >= 0)
		close(w->aux);
	w->fd = w->aux = -1;
}

int vps_cgroup_oom_kills(struct vps_cgroup *cg, uint64_t *kills, vps_err *err)
{
	struct cg_hier *h;
	_cleanup_free_ char *txt = NULL;
	int r = cg_need(cg, "memory", "OOM events", &h, err);
	if (r < 0 ||
	    (r = cg_read(h, h->v2 ? "memory.events" : "memory.oom_control", &txt, err)) < 0)
		return r;
	*kills = 0;
	if (cg_keyed_u64(txt, "oom_kill", kills) < 0)
		return vps_errorx(err, EOPNOTSUPP, "%s/%s: no oom_kill counter (kernel too old)",
				  h->dir, h->v2 ? "memory.events" : "memory.oom_control");
	return 0;
}
