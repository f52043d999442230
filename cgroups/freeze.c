/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pause/resume: the v1 freezer (freezer.state) where mounted, else cgroup2's
 * cgroup.freeze (present in every non-root v2 cgroup). Both wait until the
 * kernel reports the new state. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/log.h"

static struct cg_hier *freeze_hier(struct vps_cgroup *cg)
{
	struct cg_hier *h = cg_hier_for(cg, "freezer");
	if (h && h->v2) /* no v1 freezer: v2 freezes without a controller */
		return h;
	return h ? h : cg_hier_v2(cg);
}

static int v1_state(struct cg_hier *h, char *out, size_t outsz, vps_err *err)
{
	_cleanup_free_ char *s = NULL;
	int r = cg_read(h, "freezer.state", &s, err);
	if (r < 0)
		return r;
	s[strcspn(s, "\n")] = '\0';
	vps_snprintf(out, outsz, "%s", s); /* fits: the kernel's THAWED, FREEZING or FROZEN */
	return 0;
}

static int v1_freeze(struct cg_hier *h, bool frozen, vps_err *err)
{
	const char *want = frozen ? "FROZEN" : "THAWED";
	char st[32];
	/* A freeze can stall (a task in an uninterruptible sleep): thaw and retry. */
	for (int attempt = 0; attempt < 20; attempt++) {
		int r = cg_write(h, "freezer.state", want, err);
		if (r < 0)
			return r;
		for (int i = 0; i < 50; i++) {
			if ((r = v1_state(h, st, sizeof(st), err)) < 0)
				return r;
			if (strcmp(st, want) == 0)
				return 0;
			cg_sleep_ms(i < 10 ? 1 : 10);
		}
		if (frozen && (r = cg_write(h, "freezer.state", "THAWED", err)) < 0)
			return r;
	}
	if (frozen)
		cg_write(h, "freezer.state", "THAWED", err);
	return vps_errorx(err, ETIMEDOUT, "%s/freezer.state: still %s after asking for %s", h->dir,
			  st, want);
}

static int v2_events_frozen(struct cg_hier *h, bool *frozen, vps_err *err)
{
	_cleanup_free_ char *ev = NULL;
	uint64_t v = 0;
	int r = cg_read(h, "cgroup.events", &ev, err);
	if (r < 0)
		return r;
	if (cg_keyed_u64(ev, "frozen", &v) < 0)
		return vps_errorx(err, EOPNOTSUPP,
				  "%s/cgroup.events: no \"frozen\" key (kernel "
				  "without the cgroup2 freezer)",
				  h->dir);
	*frozen = v == 1;
	return 0;
}

static int v2_freeze(struct cg_hier *h, bool frozen, vps_err *err)
{
	int r = cg_write(h, "cgroup.freeze", frozen ? "1" : "0", err);
	if (r < 0)
		return r;
	for (int i = 0; i < 600; i++) {
		bool now = !frozen;
		if ((r = v2_events_frozen(h, &now, err)) < 0)
			return r;
		if (now == frozen)
			return 0;
		cg_sleep_ms(i < 20 ? 1 : 10);
	}
	if (frozen)
		cg_write(h, "cgroup.freeze", "0", err);
	return vps_errorx(err, ETIMEDOUT, "%s/cgroup.events: not %s after 5 s", h->dir,
			  frozen ? "frozen" : "thawed");
}

int vps_cgroup_freeze(struct vps_cgroup *cg, bool frozen, vps_err *err)
{
	struct cg_hier *h = freeze_hier(cg);
	if (!h)
		return vps_errorx(err, EOPNOTSUPP,
				  "freeze: the host has neither a v1 freezer "
				  "hierarchy nor cgroup2");
	return h->v2 ? v2_freeze(h, frozen, err) : v1_freeze(h, frozen, err);
}

int vps_cgroup_is_frozen(struct vps_cgroup *cg, bool *frozen, vps_err *err)
{
	struct cg_hier *h = freeze_hier(cg);
	*frozen = false;
	if (!h)
		return 0;
	if (h->v2) {
		uint64_t v = 0;
		int r = cg_read_u64(h, "cgroup.freeze", &v, err);
		if (r < 0)
			return r;
		*frozen = v == 1;
		return 0;
	}
	char st[32];
	int r = v1_state(h, st, sizeof(st), err);
	if (r < 0)
		return r;
	*frozen = strcmp(st, "FROZEN") == 0;
	return 0;
}

/* A kernel without the state to read cannot have frozen it: false then. */
bool cg_frozen_effective(struct vps_cgroup *cg)
{
	struct cg_hier *h = freeze_hier(cg);
	char st[32] = "THAWED";
	bool frozen = false;
	vps_err e;
	if (h && h->v2 && v2_events_frozen(h, &frozen, &e) < 0)
		log_debug("cgroup: %s", e.msg);
	else if (h && !h->v2 && v1_state(h, st, sizeof(st), &e) < 0)
		log_debug("cgroup: %s", e.msg);
	return frozen || strcmp(st, "THAWED") != 0;
}
