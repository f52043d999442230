/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The files of a VPS's /proc view (procview.c) made once its state dir and
 * cgroup paths exist:
 *   - without lxcfs, a /proc/cpuinfo listing only the CPUs of the VPS's cpuset
 *     renumbered from 0, and a /sys/devices/system/cpu/online "0-(n-1)", both
 *     written into the state dir (0444) and bound read-only over the
 *     container's: a snapshot, as the cpuset only changes with a new start;
 *   - /proc/pressure/{cpu,io,memory} bound from the VPS's own cgroup2
 *     directory, whose X.pressure files have the same format. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "runtime/procview.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

#define CPUINFO_MAX (4 << 20)

/* Keep the blocks of the host's cpuinfo whose "processor : N" is in cpus,
 * renumbered 0.. in order; out is malloc'ed. */
static int filter_cpuinfo(const char *in, const cpu_set_t *cpus, char **out, size_t *len)
{
	size_t cap = strlen(in) + 64, off = 0;
	_cleanup_free_ char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	int next = 0;
	for (const char *b = in; *b;) {
		const char *end = strstr(b, "\n\n");
		size_t n = end ? (size_t)(end - b) + 2 : strlen(b);
		int cpu = -1;
		if (sscanf(b, "processor : %d", &cpu) != 1)
			sscanf(b, "processor\t: %d", &cpu);
		if (cpu >= 0 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, cpus)) {
			const char *rest = strchr(b, '\n');
			size_t rn = rest ? n - (size_t)(rest - b) : 0;
			int w = vps_snprintf(buf + off, cap - off, "processor\t: %d", next++);
			if (w < 0 || rn > cap - off - (size_t)w)
				return -E2BIG;
			off += (size_t)w;
			memcpy(buf + off, rest, rn);
			off += rn;
		}
		b += n;
	}
	*len = off;
	*out = take_ptr(buf);
	return 0;
}

/* Write dir/name (0444) and bind it read-only on dst. */
static int gen_file(struct oci_spec *s, int dirfd, const char *dir, const char *name,
		    const char *buf, size_t len, const char *dst, vps_err *err)
{
	char src[PATH_MAX], abs[PATH_MAX];
	int r = vps_write_state_at(dirfd, name, buf, len, 0444, -1, -1, err);
	if (r < 0)
		return r;
	if (!realpath(dir, abs))
		return vps_error(err, errno, "%s", dir);
	if (vps_snprintf(src, sizeof(src), "%s/%s", abs, name) < 0)
		return vps_errorx(err, ENAMETOOLONG, "%s: path too long", abs);
	return vps_procview_add_bind(s, src, dst, err);
}

/* /proc/cpuinfo and /sys/devices/system/cpu/online for the cpuset */
static int gen_cpus(struct oci_spec *s, int dirfd, const char *dir, const cpu_set_t *cpus,
		    vps_err *err)
{
	_cleanup_free_ char *host = NULL, *mine = NULL;
	size_t len;
	int r = vps_read_file_at(AT_FDCWD, "/proc/cpuinfo", CPUINFO_MAX, &host, NULL, err);
	if (r < 0)
		return r;
	if ((r = filter_cpuinfo(host, cpus, &mine, &len)) < 0)
		return vps_error(err, -r, "cpuinfo for the VPS's cpuset");
	if ((r = gen_file(s, dirfd, dir, VPS_PROCVIEW_CPUINFO, mine, len, "/proc/cpuinfo", err)) <
	    0)
		return r;
	char online[32];
	int n = CPU_COUNT(cpus);
	if (n > 1)
		vps_snprintf(online, sizeof(online), "0-%d\n", n - 1); /* fits: a number */
	else
		vps_snprintf(online, sizeof(online), "0\n"); /* fits: "0" */
	return gen_file(s, dirfd, dir, VPS_PROCVIEW_ONLINE, online, strlen(online),
			"/sys/devices/system/cpu/online", err);
}

/* /proc/pressure/X from the VPS's own cgroup2 X.pressure (same format) */
static int bind_pressure(struct oci_spec *s, struct vps_cgroup *cg, vps_err *err)
{
	static const char *const res[] = {"cpu", "io", "memory"};
	const char *dir = vps_cgroup_v2_dir(cg);
	for (size_t i = 0; dir && i < ARRAY_SIZE(res); i++) {
		char src[PATH_MAX], dst[64];
		/* fits: a pressure file name in 64 */
		vps_snprintf(dst, sizeof(dst), "/proc/pressure/%s", res[i]);
		if (access(dst, R_OK) < 0)
			continue; /* no PSI on this kernel */
		if (vps_snprintf(src, sizeof(src), "%s/%s.pressure", dir, res[i]) < 0)
			return vps_errorx(err, ENAMETOOLONG, "%s: path too long", dir);
		int r = vps_procview_add_bind(s, src, dst, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int vps_procview_files(struct oci_spec *s, int dirfd, const char *dir, struct vps_cgroup *cg,
		       const struct vps_procview *pv, vps_err *err)
{
	int r = 0;
	if (!pv->on)
		return 0;
	if (pv->gen_cpuinfo && (r = gen_cpus(s, dirfd, dir, &pv->cpus, err)) < 0)
		return r;
	return cg ? bind_pressure(s, cg, err) : 0;
}
