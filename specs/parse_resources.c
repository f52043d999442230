/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json .linux.resources (also `update -r FILE`): devices, memory,
 * cpu, pids here; blockIO, hugepages, network, rdma, unified in
 * oci_parse_resources_more.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "specs/parse_int.h"
#include "util/cleanup.h"

static int parse_dev_rule(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_device_rule *d = elem;
	_cleanup_free_ char *type = NULL, *access = NULL;
	(void)ctx;
	d->type = 'a';
	d->major = d->minor = -1;
	if (jp_require(p, o, "allow") < 0 || jp_bool(p, o, "allow", &d->allow) < 0 ||
	    jp_str(p, o, "type", &type) < 0 ||
	    jp_i64(p, o, "major", -1, UINT32_MAX, &d->major) < 0 ||
	    jp_i64(p, o, "minor", -1, UINT32_MAX, &d->minor) < 0 ||
	    jp_str(p, o, "access", &access) < 0)
		return -EINVAL;
	if (type && (strlen(type) != 1 || !strchr("acb", type[0])))
		return jp_fail_at(p, "type", JP_NO_IDX, "unknown device type \"%s\" (a, c or b)",
				  type);
	if (type)
		d->type = type[0];
	const char *acc = access && access[0] ? access : "rwm";
	size_t n = 0;
	for (const char *c = acc; *c; c++) {
		if (!strchr("rwm", *c) || strchr(c + 1, *c) || n >= 3)
			return jp_fail_at(p, "access", JP_NO_IDX,
					  "invalid access \"%s\" (letters r, w, m)", acc);
		d->access[n++] = *c;
	}
	d->access[n] = '\0';
	return 0;
}

/* 0..100; runc reads the uint64 of -1 (docker's "not set") as not set. */
static int swappiness(struct jp *p, json_object *o, opt_u64 *out)
{
	int r = jp_opt_u64(p, o, "swappiness", UINT64_MAX, out);
	if (r > 0 && out->v == UINT64_MAX)
		out->set = false;
	else if (r > 0 && out->v > 100)
		return jp_fail_at(p, "swappiness", JP_NO_IDX, "integer %llu out of range [0, 100]",
				  (unsigned long long)out->v);
	return r;
}

static int parse_memory(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_memory *m = elem;
	(void)ctx;
	if (jp_opt_i64(p, o, "limit", -1, INT64_MAX, &m->limit) < 0 ||
	    jp_opt_i64(p, o, "reservation", -1, INT64_MAX, &m->reservation) < 0 ||
	    jp_opt_i64(p, o, "swap", -1, INT64_MAX, &m->swap) < 0 ||
	    jp_opt_i64(p, o, "kernel", -1, INT64_MAX, &m->kernel) < 0 ||
	    jp_opt_i64(p, o, "kernelTCP", -1, INT64_MAX, &m->kernel_tcp) < 0 ||
	    swappiness(p, o, &m->swappiness) < 0 ||
	    jp_opt_bool(p, o, "disableOOMKiller", &m->disable_oom_killer) < 0 ||
	    jp_opt_bool(p, o, "useHierarchy", &m->use_hierarchy) < 0 ||
	    jp_opt_bool(p, o, "checkBeforeUpdate", &m->check_before_update) < 0)
		return -EINVAL;
	if (m->limit.set && m->swap.set && m->limit.v > 0 && m->swap.v > 0 &&
	    m->swap.v < m->limit.v) {
		return jp_fail_at(p, "swap", JP_NO_IDX,
				  "memory+swap limit %lld is below the memory limit %lld",
				  (long long)m->swap.v, (long long)m->limit.v);
	}
	return 0;
}

/* cpuset list syntax: "0-3,5,7-8" (empty allowed). */
static bool cpuset_ok(const char *s)
{
	if (!s[0])
		return true;
	for (const char *c = s;;) {
		char *end;
		if (*c < '0' || *c > '9')
			return false;
		unsigned long a = strtoul(c, &end, 10), b = a;
		if (*end == '-') {
			c = end + 1;
			if (*c < '0' || *c > '9')
				return false;
			b = strtoul(c, &end, 10);
		}
		if (b < a || a > 65535 || b > 65535)
			return false;
		if (*end == '\0')
			return true;
		if (*end != ',')
			return false;
		c = end + 1;
	}
}

static int parse_cpu(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_cpu *c = elem;
	(void)ctx;
	if (jp_opt_u64(p, o, "shares", UINT64_MAX, &c->shares) < 0 ||
	    jp_opt_i64(p, o, "quota", -1, INT64_MAX, &c->quota) < 0 ||
	    jp_opt_u64(p, o, "burst", UINT64_MAX, &c->burst) < 0 ||
	    jp_opt_u64(p, o, "period", UINT64_MAX, &c->period) < 0 ||
	    jp_opt_i64(p, o, "realtimeRuntime", -1, INT64_MAX, &c->realtime_runtime) < 0 ||
	    jp_opt_u64(p, o, "realtimePeriod", UINT64_MAX, &c->realtime_period) < 0 ||
	    jp_opt_i64(p, o, "idle", 0, 1, &c->idle) < 0 || jp_str(p, o, "cpus", &c->cpus) < 0 ||
	    jp_str(p, o, "mems", &c->mems) < 0)
		return -EINVAL;
	if (c->cpus && !cpuset_ok(c->cpus))
		return jp_fail_at(p, "cpus", JP_NO_IDX, "invalid CPU list \"%s\" (e.g. \"0-3,5\")",
				  c->cpus);
	if (c->mems && !cpuset_ok(c->mems))
		return jp_fail_at(p, "mems", JP_NO_IDX,
				  "invalid memory node list \"%s\" (e.g. \"0-1\")", c->mems);
	return 0;
}

static int parse_pids(struct jp *p, json_object *o, void *elem, void *ctx)
{
	(void)ctx;
	return jp_opt_i64(p, o, "limit", -1, INT64_MAX, elem) < 0 ? -EINVAL : 0;
}

int oci_parse_resources(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_resources *res = elem;
	int r;
	(void)ctx;
	if (jp_objv(p, o, "devices", sizeof(struct oci_device_rule), &res->devices, &res->n_devices,
		    parse_dev_rule, NULL) < 0 ||
	    (r = jp_sub(p, o, "memory", parse_memory, &res->memory, NULL)) < 0)
		return -EINVAL;
	res->has_memory = r > 0;
	if ((r = jp_sub(p, o, "cpu", parse_cpu, &res->cpu, NULL)) < 0)
		return -EINVAL;
	res->has_cpu = r > 0;
	if (jp_sub(p, o, "pids", parse_pids, &res->pids_limit, NULL) < 0)
		return -EINVAL;
	return oci_parse_resources_more(p, o, res);
}

static void free_res(void *r)
{
	oci_resources_free(r);
}

int oci_resources_parse(const char *json, size_t len, struct oci_resources **out, vps_err *err)
{
	return jp_parse_as("resources.json", json, len, sizeof(**out), oci_parse_resources,
			   free_res, (void **)out, err);
}
