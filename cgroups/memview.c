/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VPS's memory as its sysinfo(2) tells it (runtime/sysinfo_serve.c): the
 * memory limit and use, the swap limit and use (swap alone, not OCI's
 * memory+swap) and the task count, read from whichever hierarchy holds each
 * controller: v2 memory.max/current, memory.swap.max/current; v1
 * memory.limit_in_bytes/usage_in_bytes and memsw minus those; pids.current.
 * The files are opened once and read with pread at every call (a VPS may
 * call sysinfo thousands of times a second). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgroups/internal.h"

enum { LIMIT, USAGE, SWAP_LIMIT, SWAP_USAGE, TASKS };

static const char *const v2_files[] = {"memory.max", "memory.current", "memory.swap.max",
				       "memory.swap.current"};
static const char *const v1_files[] = {"memory.limit_in_bytes", "memory.usage_in_bytes",
				       "memory.memsw.limit_in_bytes",
				       "memory.memsw.usage_in_bytes"};

static int open_in(struct cg_hier *h, const char *file)
{
	vps_err e;
	if (cg_open_dir(h, &e) < 0)
		return -1;
	return openat(h->dirfd, file, O_RDONLY | O_CLOEXEC);
}

int vps_cgroup_memview_open(struct vps_cgroup *cg, struct vps_cgroup_memfds *f)
{
	for (size_t i = 0; i < VPS_MEMVIEW_FILES; i++)
		f->fd[i] = -1;
	struct cg_hier *h = cg_hier_for(cg, "memory"), *p = cg_hier_for(cg, "pids");
	f->v1 = h && !h->v2;
	for (size_t i = 0; h && i < TASKS; i++)
		f->fd[i] = open_in(h, f->v1 ? v1_files[i] : v2_files[i]);
	if (p)
		f->fd[TASKS] = open_in(p, "pids.current");
	return f->fd[LIMIT] >= 0 || f->fd[TASKS] >= 0 ? 0 : -ENOENT;
}

/* The number in fd ("max": UINT64_MAX), dflt when it cannot be read. */
static uint64_t value(int fd, uint64_t dflt)
{
	char buf[32];
	ssize_t n = fd < 0 ? -1 : pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return dflt;
	buf[n] = 0;
	if (buf[0] == 'm')
		return UINT64_MAX;
	char *end;
	unsigned long long v = strtoull(buf, &end, 10);
	return end == buf ? dflt : v;
}

static uint64_t minus(uint64_t a, uint64_t b)
{
	return a == UINT64_MAX ? UINT64_MAX : a > b ? a - b : 0;
}

void vps_cgroup_memview_read(const struct vps_cgroup_memfds *f, struct vps_cgroup_memview *mv)
{
	mv->limit = value(f->fd[LIMIT], UINT64_MAX);
	mv->usage = value(f->fd[USAGE], 0);
	mv->swap_limit = value(f->fd[SWAP_LIMIT], UINT64_MAX);
	mv->swap_usage = value(f->fd[SWAP_USAGE], 0);
	mv->tasks = value(f->fd[TASKS], 0);
	if (!f->v1)
		return;
	/* v1 says "no limit" with a huge page-aligned number; memsw is memory+swap */
	const uint64_t none = UINT64_MAX >> 2;
	mv->swap_limit = mv->swap_limit >= none ? UINT64_MAX : minus(mv->swap_limit, mv->limit);
	mv->swap_usage = minus(mv->swap_usage, mv->usage);
	if (mv->limit >= none)
		mv->limit = UINT64_MAX;
}
