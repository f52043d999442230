/* SPDX-License-Identifier: GPL-2.0-or-later */
/* .process.scheduler (sched_setattr) and .process.ioPriority (ioprio_set). */
#include <errno.h>
#include <linux/ioprio.h>
#include <linux/sched.h>
#include <stdlib.h>
#include <string.h>

#include "specs/parse_int.h"
#include "util/cleanup.h"

static const char *const policies[] = {
    [SCHED_NORMAL] = "SCHED_OTHER",	 [SCHED_FIFO] = "SCHED_FIFO", [SCHED_RR] = "SCHED_RR",
    [SCHED_BATCH] = "SCHED_BATCH",	 [4] = "SCHED_ISO",	      [SCHED_IDLE] = "SCHED_IDLE",
    [SCHED_DEADLINE] = "SCHED_DEADLINE",
};

static const char *const sched_flags[] = {
    "SCHED_FLAG_RESET_ON_FORK",	 "SCHED_FLAG_RECLAIM",	   "SCHED_FLAG_DL_OVERRUN",
    "SCHED_FLAG_KEEP_POLICY",	 "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX",
};

static int parse_flags(struct jp *p, json_object *o, uint32_t *flags)
{
	_cleanup_strv_ char **v = NULL;
	size_t n = 0;
	int r = jp_strv(p, o, "flags", false, &v, &n);
	for (size_t i = 0; r > 0 && i < n; i++) {
		int f = jp_lookup(sched_flags, ARRAY_SIZE(sched_flags), v[i]);
		if (f < 0) {
			return jp_fail_at(p, "flags", i, "unknown scheduler flag \"%s\"", v[i]);
		}
		*flags |= 1u << f;
	}
	return r;
}

static int parse_scheduler(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_scheduler *s = elem;
	int64_t nice = 0, prio = 0;
	(void)ctx;
	if (jp_require(p, o, "policy") < 0 ||
	    jp_enum(p, o, "policy", policies, ARRAY_SIZE(policies), "scheduler policy",
		    &s->policy) < 0 ||
	    jp_i64(p, o, "nice", -20, 19, &nice) < 0 ||
	    jp_i64(p, o, "priority", INT32_MIN, INT32_MAX, &prio) < 0 ||
	    parse_flags(p, o, &s->flags) < 0 ||
	    jp_u64(p, o, "runtime", UINT64_MAX, &s->runtime) < 0 ||
	    jp_u64(p, o, "deadline", UINT64_MAX, &s->deadline) < 0 ||
	    jp_u64(p, o, "period", UINT64_MAX, &s->period) < 0)
		return -EINVAL;
	s->nice = (int32_t)nice;
	s->priority = (int32_t)prio;
	s->set = true;
	if (s->policy == 4)
		return jp_fail_at(p, "policy", JP_NO_IDX, "%s",
				  "SCHED_ISO is not implemented by Linux");
	bool rt = s->policy == SCHED_FIFO || s->policy == SCHED_RR;
	if (rt && (prio < 1 || prio > 99))
		return jp_fail_at(p, "priority", JP_NO_IDX, "%s",
				  "must be 1..99 for SCHED_FIFO and SCHED_RR");
	if (!rt && prio != 0)
		return jp_fail_at(p, "priority", JP_NO_IDX, "%s",
				  "must be 0 unless the policy is FIFO or RR");
	bool dl = s->policy == SCHED_DEADLINE;
	if (!dl && (s->runtime || s->deadline || s->period))
		return jp_fail(p, "runtime, deadline and period are only for SCHED_DEADLINE");
	if (dl &&
	    (!s->runtime || s->runtime > s->deadline || (s->period && s->deadline > s->period)))
		return jp_fail(p, "SCHED_DEADLINE needs 0 < runtime <= deadline <= period");
	return 0;
}

static const char *const io_classes[] = {
    [IOPRIO_CLASS_RT] = "IOPRIO_CLASS_RT",
    [IOPRIO_CLASS_BE] = "IOPRIO_CLASS_BE",
    [IOPRIO_CLASS_IDLE] = "IOPRIO_CLASS_IDLE",
};

static int parse_io(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_io_priority *io = elem;
	int64_t prio = 0;
	(void)ctx;
	if (jp_require(p, o, "class") < 0 ||
	    jp_enum(p, o, "class", io_classes, ARRAY_SIZE(io_classes), "I/O priority class",
		    &io->klass) < 0 ||
	    jp_i64(p, o, "priority", 0, 7, &prio) < 0)
		return -EINVAL;
	io->priority = (int)prio;
	io->set = true;
	return 0;
}

int oci_parse_sched_io(struct jp *p, json_object *o, struct oci_process *proc)
{
	if (jp_sub(p, o, "scheduler", parse_scheduler, &proc->scheduler, NULL) < 0 ||
	    jp_sub(p, o, "ioPriority", parse_io, &proc->io_priority, NULL) < 0)
		return -EINVAL;
	return 0;
}
