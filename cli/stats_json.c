/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A cgroup's statistics as runc's types.Stats JSON (events --stats). */
#include "cli/cgctl.h"
#include "runtime/runtime.h"

static void add_u64(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static json_object *psi_line(const struct vps_psi_line *l)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "avg10", json_object_new_double(l->avg10));
	json_object_object_add(o, "avg60", json_object_new_double(l->avg60));
	json_object_object_add(o, "avg300", json_object_new_double(l->avg300));
	add_u64(o, "total", l->total);
	return o;
}

static void add_psi(json_object *o, const struct vps_psi *p)
{
	if (!p->set)
		return;
	json_object *j = json_object_new_object();
	json_object_object_add(j, "some", psi_line(&p->some));
	json_object_object_add(j, "full", psi_line(&p->full));
	json_object_object_add(o, "psi", j);
}

static json_object *mem_entry(const struct vps_mem_entry *m)
{
	json_object *o = json_object_new_object();
	add_u64(o, "limit", m->limit);
	add_u64(o, "usage", m->usage);
	add_u64(o, "max", m->max);
	add_u64(o, "failcnt", m->failcnt);
	return o;
}

static json_object *blkio_list(const struct vps_blkio_entry *e, size_t n)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		add_u64(o, "major", e[i].major);
		add_u64(o, "minor", e[i].minor);
		json_object_object_add(o, "op", json_object_new_string(e[i].op));
		add_u64(o, "value", e[i].value);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *cpu_json(const struct vps_cgroup_stats *st)
{
	json_object *cpu = json_object_new_object(), *u = json_object_new_object(),
		    *t = json_object_new_object();
	add_u64(u, "total", st->cpu.total);
	json_object *pc = json_object_new_array();
	for (size_t i = 0; i < st->cpu.n_percpu; i++)
		json_object_array_add(pc, json_object_new_uint64(st->cpu.percpu[i]));
	json_object_object_add(u, "percpu", pc);
	add_u64(u, "kernel", st->cpu.kernel);
	add_u64(u, "user", st->cpu.user);
	add_u64(t, "periods", st->cpu.periods);
	add_u64(t, "throttled_periods", st->cpu.throttled_periods);
	add_u64(t, "throttled_time", st->cpu.throttled_time);
	json_object_object_add(cpu, "usage", u);
	json_object_object_add(cpu, "throttling", t);
	add_psi(cpu, &st->cpu.psi);
	return cpu;
}

static json_object *memory_json(const struct vps_cgroup_stats *st)
{
	json_object *m = json_object_new_object(), *raw = json_object_new_object();
	add_u64(m, "cache", st->memory.cache);
	json_object_object_add(m, "usage", mem_entry(&st->memory.usage));
	json_object_object_add(m, "swap", mem_entry(&st->memory.swap));
	json_object_object_add(m, "kernel", mem_entry(&st->memory.kernel));
	for (size_t i = 0; i < st->memory.n_raw; i++)
		add_u64(raw, st->memory.raw[i].name, st->memory.raw[i].value);
	json_object_object_add(m, "raw", raw);
	add_psi(m, &st->memory.psi);
	return m;
}

json_object *cli_stats_json(const struct vps_cgroup_stats *st)
{
	json_object *d = json_object_new_object();
	json_object_object_add(d, "cpu", cpu_json(st));
	json_object_object_add(d, "memory", memory_json(st));
	json_object *p = json_object_new_object();
	add_u64(p, "current", st->pids.current);
	add_u64(p, "limit", st->pids.limit);
	json_object_object_add(d, "pids", p);
	json_object *b = json_object_new_object();
	json_object_object_add(b, "ioServiceBytesRecursive",
			       blkio_list(st->blkio.bytes, st->blkio.n_bytes));
	json_object_object_add(b, "ioServicedRecursive",
			       blkio_list(st->blkio.ios, st->blkio.n_ios));
	add_psi(b, &st->blkio.psi);
	json_object_object_add(d, "blkio", b);
	json_object *h = json_object_new_object();
	for (size_t i = 0; i < st->n_hugetlb; i++) {
		json_object *e = json_object_new_object();
		add_u64(e, "usage", st->hugetlb[i].usage);
		add_u64(e, "max", st->hugetlb[i].max);
		add_u64(e, "failcnt", st->hugetlb[i].failcnt);
		json_object_object_add(h, st->hugetlb[i].page_size, e);
	}
	json_object_object_add(d, "hugetlb", h);
	return d;
}
