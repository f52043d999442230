/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The systemd driver's unit properties: linux.resources mapped as runc maps
 * them, the org.systemd.property.* annotations by runc's rules and errors,
 * and the cgroupsPath forms. */
#include <stdint.h>
#include <string.h>

#include "cgroups/internal.h"
#include "tap.h"

static const struct cg_sd_prop *find(const struct cg_sd_props *ps, const char *name)
{
	for (size_t i = 0; i < ps->n; i++)
		if (strcmp(ps->p[i].name, name) == 0)
			return &ps->p[i];
	return NULL;
}

static void resources(void)
{
	struct oci_resources r = {0};
	r.has_memory = true;
	r.memory.limit = (opt_i64){true, 256 << 20};
	r.memory.swap = (opt_i64){true, 384 << 20};
	r.has_cpu = true;
	r.cpu.quota = (opt_i64){true, 50001};
	r.cpu.period = (opt_u64){true, 100000};
	r.cpu.shares = (opt_u64){true, 1024};
	r.cpu.cpus = "0-2,9";
	r.pids_limit = (opt_i64){true, -1};
	struct cg_sd_props ps = {0};
	vps_err err = {0};
	ok(cg_sd_props_from_resources(&ps, &r, true, &err) == 0, "v2 resources map");
	const struct cg_sd_prop *p = find(&ps, "MemoryMax");
	ok(p && p->num == 256 << 20 && !strcmp(p->sig, "t"), "MemoryMax t 256M");
	p = find(&ps, "MemorySwapMax");
	ok(p && p->num == 128 << 20, "MemorySwapMax is swap minus memory");
	p = find(&ps, "CPUQuotaPerSecUSec");
	ok(p && p->num == 510000, "quota 50001/100000 rounds up to whole 10 ms: %llu",
	   p ? (unsigned long long)p->num : 0);
	p = find(&ps, "CPUQuotaPeriodUSec");
	ok(p && p->num == 100000, "CPUQuotaPeriodUSec");
	p = find(&ps, "CPUWeight");
	ok(p && p->num == cg_shares_to_weight(1024), "CPUWeight from shares");
	p = find(&ps, "AllowedCPUs");
	ok(p && !strcmp(p->sig, "ay") && p->n == 2 && p->bytes[0] == 0x07 && p->bytes[1] == 0x02,
	   "AllowedCPUs 0-2,9 as systemd's bytes");
	p = find(&ps, "TasksMax");
	ok(p && p->num == UINT64_MAX, "pids -1: TasksMax infinity");
	cg_sd_props_free(&ps);
	ok(cg_sd_props_from_resources(&ps, &r, false, &err) == 0 && find(&ps, "MemoryLimit") &&
	       find(&ps, "CPUShares") && !find(&ps, "AllowedCPUs") && !find(&ps, "MemoryMax"),
	   "v1: MemoryLimit, CPUShares, no AllowedCPUs");
	cg_sd_props_free(&ps);
	r.cpu.cpus = "3-1";
	ok(cg_sd_props_from_resources(&ps, &r, true, &err) < 0 && strstr(err.msg, "AllowedCPUs"),
	   "bad cpu list: %s", err.msg);
	cg_sd_props_free(&ps);
}

static int one(const char *k, const char *v, struct cg_sd_props *ps, vps_err *err)
{
	struct oci_kv kv[2] = {{(char *)"other.annotation", (char *)"x"}, {(char *)k, (char *)v}};
	cg_sd_props_free(ps);
	return cg_sd_props_from_annotations(ps, kv, 2, err);
}

static void annotations(void)
{
	struct cg_sd_props ps = {0};
	vps_err err = {0};
	ok(one("org.systemd.property.TasksMax", "uint64 77", &ps, &err) == 0 && ps.n == 1 &&
	       !strcmp(ps.p[0].sig, "t") && ps.p[0].num == 77,
	   "uint64 77: TasksMax t, other annotations ignored");
	ok(one("org.systemd.property.CPUWeight", "@t 300", &ps, &err) == 0 && ps.p[0].num == 300,
	   "@t 300");
	ok(one("org.systemd.property.TimeoutStopSec", "5", &ps, &err) == 0 &&
	       !strcmp(ps.p[0].name, "TimeoutStopUSec") && ps.p[0].num == 5000000 &&
	       !strcmp(ps.p[0].sig, "t"),
	   "TimeoutStopSec=5 -> TimeoutStopUSec 5000000");
	ok(one("org.systemd.property.RuntimeMaxSec", "1.5", &ps, &err) == 0 &&
	       ps.p[0].num == 1500000,
	   "seconds as double");
	ok(one("org.systemd.property.CollectMode", "'inactive-or-failed'", &ps, &err) == 0 &&
	       !strcmp(ps.p[0].sig, "s") && !strcmp(ps.p[0].str, "inactive-or-failed"),
	   "a string");
	ok(one("org.systemd.property.Delegate", "true", &ps, &err) == 0 && ps.p[0].num == 1 &&
	       !strcmp(ps.p[0].sig, "b"),
	   "a boolean");
	ok(one("org.systemd.property.After", "['a.service', \"b.service\"]", &ps, &err) == 0 &&
	       !strcmp(ps.p[0].sig, "as") && ps.p[0].n == 2 &&
	       !strcmp(ps.p[0].strv[1], "b.service"),
	   "an array of strings");
	ok(one("org.systemd.property.CPUWeight", "42", &ps, &err) == 0 && !strcmp(ps.p[0].sig, "i"),
	   "an untyped integer is int32 (as runc)");
	ok(one("org.systemd.property.Ta", "1", &ps, &err) < 0 &&
	       strstr(err.msg, "annotation org.systemd.property.Ta name incorrect: too short"),
	   "%s", err.msg);
	ok(one("org.systemd.property.Tasks_Max", "1", &ps, &err) < 0 &&
	       strstr(err.msg, "contains non-alphabetic character"),
	   "%s", err.msg);
	ok(one("org.systemd.property.TasksMax", "uint64 abc", &ps, &err) < 0 &&
	       strstr(err.msg, "TasksMax=uint64 abc value parse error"),
	   "%s", err.msg);
	ok(one("org.systemd.property.TasksMax", "uint64 -1", &ps, &err) < 0, "negative uint64: %s",
	   err.msg);
	ok(one("org.systemd.property.TimeoutStopSec", "'5'", &ps, &err) < 0 &&
	       strstr(err.msg, "not a number"),
	   "...Sec needs a number: %s", err.msg);
	ok(one("org.systemd.property.CollectMode", "'x' y", &ps, &err) < 0, "trailing text: %s",
	   err.msg);
	cg_sd_props_free(&ps);
}

static void paths(void)
{
	struct cg_systemd_unit u;
	vps_err err = {0};
	ok(cg_systemd_path(NULL, "c1", "system.slice", &u, &err) == 0 &&
	       !strcmp(u.unit, "vps-c1.scope") && !strcmp(u.path, "/system.slice/vps-c1.scope"),
	   "empty: system.slice, vps-ID.scope");
	ok(cg_systemd_path("machine-a.slice:pfx:c2", "c2", "system.slice", &u, &err) == 0 &&
	       !strcmp(u.path, "/machine.slice/machine-a.slice/pfx-c2.scope"),
	   "slice:prefix:name: %s", u.path);
	ok(cg_systemd_path("bad", "c", "system.slice", &u, &err) < 0 &&
	       strstr(err.msg, "expected \"slice:prefix:name\""),
	   "%s", err.msg);
	ok(cg_systemd_path("foo:p:c", "c", "system.slice", &u, &err) < 0 &&
	       strstr(err.msg, "invalid slice name"),
	   "%s", err.msg);
}

int main(void)
{
	resources();
	annotations();
	paths();
	done_testing();
}
