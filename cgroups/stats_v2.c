/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Statistics from cgroup2 files (cpu.stat, memory.*, io.stat) and hugetlb (both). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/stats.h"
#include "util/cleanup.h"
#include "util/fmt.h"

int cg_stats_cpu_v2(struct cg_hier *h, struct vps_cgroup_stats *st)
{
	_cleanup_free_ char *txt = NULL;
	vps_err e;
	uint64_t v;
	if (cg_read(h, "cpu.stat", &txt, &e) < 0)
		return 0;
	st->cpu.set = true;
	if (cg_keyed_u64(txt, "usage_usec", &v) == 0)
		st->cpu.total = v * 1000;
	if (cg_keyed_u64(txt, "user_usec", &v) == 0)
		st->cpu.user = v * 1000;
	if (cg_keyed_u64(txt, "system_usec", &v) == 0)
		st->cpu.kernel = v * 1000;
	if (cg_keyed_u64(txt, "nr_periods", &v) == 0)
		st->cpu.periods = v;
	if (cg_keyed_u64(txt, "nr_throttled", &v) == 0)
		st->cpu.throttled_periods = v;
	if (cg_keyed_u64(txt, "throttled_usec", &v) == 0)
		st->cpu.throttled_time = v * 1000;
	return 0;
}

int cg_stats_memory_v2(struct cg_hier *h, struct vps_cgroup_stats *st)
{
	_cleanup_free_ char *stat = NULL, *ev = NULL;
	vps_err e;
	uint64_t v;
	st->memory.set = true;
	struct vps_mem_entry *u = &st->memory.usage, *s = &st->memory.swap;
	u->usage = cg_u64_or(h, "memory.current", 0);
	u->max = cg_u64_or(h, "memory.peak", 0);
	u->limit = cg_u64_or(h, "memory.max", UINT64_MAX);
	if (cg_read(h, "memory.events", &ev, &e) >= 0) {
		if (cg_keyed_u64(ev, "max", &v) == 0)
			u->failcnt = v;
		if (cg_keyed_u64(ev, "oom_kill", &v) == 0)
			st->memory.oom_kills = v;
	}
	/* runc reports swap as memory+swap, like v1's memsw */
	uint64_t sw = cg_u64_or(h, "memory.swap.current", 0),
		 swmax = cg_u64_or(h, "memory.swap.max", 0);
	s->usage = sw + u->usage;
	s->max = cg_u64_or(h, "memory.swap.peak", 0);
	s->limit = swmax == UINT64_MAX || u->limit == UINT64_MAX ? UINT64_MAX : swmax + u->limit;
	if (cg_read(h, "memory.stat", &stat, &e) >= 0 &&
	    cg_parse_flat(stat, &st->memory.raw, &st->memory.n_raw) < 0)
		return -ENOMEM;
	st->memory.cache = cg_kv_get(st->memory.raw, st->memory.n_raw, "file");
	st->memory.kernel.usage = cg_kv_get(st->memory.raw, st->memory.n_raw, "kernel");
	st->memory.kernel.limit = UINT64_MAX;
	return 0;
}

int cg_stats_io_v2(struct cg_hier *h, struct vps_cgroup_stats *st)
{
	_cleanup_free_ char *txt = NULL;
	vps_err e;
	st->blkio.set = true;
	if (cg_read(h, "io.stat", &txt, &e) < 0)
		return 0;
	static const struct {
		const char *key, *op;
		bool bytes;
	} map[] = {
	    {"rbytes", "Read", true}, {"wbytes", "Write", true}, {"dbytes", "Discard", true},
	    {"rios", "Read", false},  {"wios", "Write", false},	 {"dios", "Discard", false},
	};
	/* "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" */
	for (char *line = txt, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		unsigned long long maj, min;
		int off = 0;
		if (sscanf(line, "%llu:%llu%n", &maj, &min, &off) != 2)
			continue;
		for (char *tok = strtok(line + off, " "); tok; tok = strtok(NULL, " ")) {
			char *eq = strchr(tok, '=');
			if (!eq)
				continue;
			*eq = '\0';
			for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
				if (strcmp(tok, map[i].key) != 0)
					continue;
				int r =
				    map[i].bytes
					? cg_blkio_add(&st->blkio.bytes, &st->blkio.n_bytes, maj,
						       min, map[i].op, strtoull(eq + 1, NULL, 10))
					: cg_blkio_add(&st->blkio.ios, &st->blkio.n_ios, maj, min,
						       map[i].op, strtoull(eq + 1, NULL, 10));
				if (r < 0)
					return r;
			}
		}
	}
	return 0;
}

/* Page sizes from the file names: hugetlb.2MB.max (v2) / hugetlb.2MB.limit_in_bytes (v1). */
int cg_stats_hugetlb(struct cg_hier *h, struct vps_cgroup_stats *st)
{
	vps_err e;
	if (cg_open_dir(h, &e) < 0)
		return 0;
	int d2 = openat(h->dirfd, ".", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	DIR *d = d2 >= 0 ? fdopendir(d2) : NULL;
	if (!d) {
		if (d2 >= 0)
			close(d2);
		return 0;
	}
	const char *lim = h->v2 ? ".max" : ".limit_in_bytes";
	struct dirent *de;
	int r = 0;
	while (r == 0 && (de = readdir(d))) {
		char size[16], f[96];
		size_t nl = strlen(de->d_name), ll = strlen(lim);
		if (strncmp(de->d_name, "hugetlb.", 8) != 0 || nl <= 8 + ll ||
		    strcmp(de->d_name + nl - ll, lim) != 0 || strstr(de->d_name, ".rsvd."))
			continue;
		if (vps_snprintf(size, sizeof(size), "%.*s", (int)(nl - 8 - ll), de->d_name + 8) <
		    0)
			continue;
		struct vps_hugetlb_stat *n = realloc(st->hugetlb, (st->n_hugetlb + 1) * sizeof(*n));
		if (!n) {
			r = -ENOMEM;
			break;
		}
		st->hugetlb = n;
		struct vps_hugetlb_stat *x = &n[st->n_hugetlb++];
		memset(x, 0, sizeof(*x));
		/* fits: a page size such as 2MB */
		vps_snprintf(x->page_size, sizeof(x->page_size), "%s", size);
		if (h->v2) {
			_cleanup_free_ char *ev = NULL;
			/* fits: a page size such as 2MB */
			vps_snprintf(f, sizeof(f), "hugetlb.%s.current", size);
			x->usage = cg_u64_or(h, f, 0);
			/* fits: a page size such as 2MB */
			vps_snprintf(f, sizeof(f), "hugetlb.%s.events", size);
			if (cg_read(h, f, &ev, &e) >= 0)
				cg_keyed_u64(ev, "max", &x->failcnt);
		} else {
			/* fits: a page size such as 2MB */
			vps_snprintf(f, sizeof(f), "hugetlb.%s.usage_in_bytes", size);
			x->usage = cg_u64_or(h, f, 0);
			/* fits: a page size such as 2MB */
			vps_snprintf(f, sizeof(f), "hugetlb.%s.max_usage_in_bytes", size);
			x->max = cg_u64_or(h, f, 0);
			/* fits: a page size such as 2MB */
			vps_snprintf(f, sizeof(f), "hugetlb.%s.failcnt", size);
			x->failcnt = cg_u64_or(h, f, 0);
		}
	}
	closedir(d);
	return r;
}
