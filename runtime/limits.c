/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Child-side resource settings: rlimits, personality, scheduler, I/O priority.
 * (oomScoreAdj is written by the parent into /proc/PID.) */
#include <errno.h>
#include <linux/ioprio.h>
#include <linux/sched/types.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/internal.h"

static int set_rlimits(const struct oci_process *p, vps_err *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct oci_rlimit *l = &p->rlimits[i];
		struct rlimit rl = {.rlim_cur = l->soft, .rlim_max = l->hard};
		if (setrlimit(l->resource, &rl) < 0)
			return vps_error(err, errno, "process.rlimits: %s soft %llu hard %llu",
					 l->type ? l->type : "?", (unsigned long long)l->soft,
					 (unsigned long long)l->hard);
	}
	return 0;
}

static int set_scheduler(const struct oci_scheduler *s, vps_err *err)
{
	if (!s->set)
		return 0;
	struct sched_attr a = {
	    .size = sizeof(a),
	    .sched_policy = (uint32_t)s->policy,
	    .sched_flags = s->flags,
	    .sched_nice = s->nice,
	    .sched_priority = (uint32_t)s->priority,
	    .sched_runtime = s->runtime,
	    .sched_deadline = s->deadline,
	    .sched_period = s->period,
	};
	if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
		return vps_error(err, errno, "process.scheduler");
	return 0;
}

static int set_ioprio(const struct oci_io_priority *io, vps_err *err)
{
	if (!io->set)
		return 0;
	int v = IOPRIO_PRIO_VALUE(io->klass, io->priority);
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, v) < 0)
		return vps_error(err, errno, "process.ioPriority");
	return 0;
}

int vps_child_limits(const struct oci_spec *spec, const struct oci_process *p, vps_err *err)
{
	int r;
	if ((r = set_rlimits(p, err)) < 0)
		return r;
	if (spec && spec->lx.personality.set && personality(spec->lx.personality.domain) < 0)
		return vps_error(err, errno, "linux.personality");
	if ((r = set_scheduler(&p->scheduler, err)) < 0)
		return r;
	return set_ioprio(&p->io_priority, err);
}
