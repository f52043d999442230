/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stats and events: sample a container's cgroup, and runc's event stream
 * (a stats sample every interval, an OOM event when the kernel OOM-kills
 * inside the container, the end when the container stops). runtime.h. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include "runtime/live.h"
#include "runtime/runtime.h"
#include "runtime/status.h"
#include "util/clock.h"

struct vps_monitor {
	struct vps_live l;
	const char *root;
	bool started, oom, ended; /* events: set up on the first vps_events_next */
	struct vps_oom_watch w;
	uint64_t kills;
	long next; /* ms, CLOCK_MONOTONIC: the next stats sample */
};

int vps_monitor_open(const char *root, const char *id, struct vps_monitor **out, vps_err *err)
{
	struct vps_monitor *m = calloc(1, sizeof(*m));
	if (!m)
		return vps_error(err, ENOMEM, "container %s", id);
	int r = vps_live_open(root, id, false, &m->l, err);
	if (r < 0) {
		free(m);
		return r;
	}
	m->root = root;
	m->w = (struct vps_oom_watch){.fd = -1, .aux = -1};
	*out = m;
	return 0;
}

enum vps_status vps_monitor_status(const struct vps_monitor *m)
{
	return m->l.status;
}

const char *vps_monitor_id(const struct vps_monitor *m)
{
	return m->l.st->id;
}

void vps_monitor_close(struct vps_monitor *m)
{
	if (!m)
		return;
	vps_cgroup_oom_unwatch(&m->w);
	vps_live_close(&m->l);
	free(m);
}

int vps_stats(struct vps_monitor *m, struct vps_cgroup_stats *out, vps_err *err)
{
	return vps_cgroup_stats(m->l.cg, out, err);
}

/* True when the OOM kill count grew since the last look. */
static bool new_kills(struct vps_monitor *m)
{
	uint64_t k = m->kills;
	vps_err e;
	bool grew = vps_cgroup_oom_kills(m->l.cg, &k, &e) >= 0 && k > m->kills;
	m->kills = k;
	return grew;
}

static void start(struct vps_monitor *m, long interval_ms)
{
	vps_err e;
	m->oom = vps_cgroup_oom_watch(m->l.cg, &m->w, &e) >= 0 &&
		 vps_cgroup_oom_kills(m->l.cg, &m->kills, &e) >= 0;
	m->next = vps_now_ms() + interval_ms;
	m->started = true;
}

int vps_events_next(struct vps_monitor *m, long interval_ms, struct vps_cgroup_stats *st,
		    vps_err *err)
{
	if (m->ended)
		return VPS_EVENT_END;
	if (!m->started)
		start(m, interval_ms);
	for (;;) { /* ends when the container stops */
		struct pollfd p = {.fd = m->oom ? m->w.fd : -1, .events = POLLIN | POLLPRI};
		long wait = m->next - vps_now_ms();
		int n = poll(&p, 1, wait > 0 ? (int)wait : 0);
		if (n < 0 && errno != EINTR)
			return vps_error(err, errno, "poll");
		if (n > 0) {
			vps_cgroup_oom_ack(&m->w);
			if (new_kills(m))
				return VPS_EVENT_OOM;
			continue;
		}
		if (vps_now_ms() < m->next)
			continue;
		/* v1 signals the eventfd when the OOM starts, before its kill is
		 * counted: a kill the wake-up came too early for shows here */
		if (m->oom && new_kills(m))
			return VPS_EVENT_OOM;
		m->next += interval_ms;
		if (vps_status_live(m->root, m->l.st) == VPS_STOPPED) {
			m->ended = true; /* an OOM that ended it may not have woken us yet */
			return m->oom && new_kills(m) ? VPS_EVENT_OOM : VPS_EVENT_END;
		}
		int r = vps_stats(m, st, err);
		return r < 0 ? r : VPS_EVENT_STATS;
	}
}
