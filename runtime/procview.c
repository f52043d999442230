/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VPS sees its own resources (issue 18). For a bundle that asks for it
 * (annotation org.vps.procview, written by `vps bundle`), create adds to the
 * spec in memory, before anything on the host is made:
 *   - a time namespace whose CLOCK_BOOTTIME starts at zero, so /proc/uptime
 *     and sysinfo(2)'s uptime count from the VPS's creation;
 *   - a cpuset of ceil(quota/period) CPUs when the spec has a CPU quota and no
 *     cpuset, so sched_getaffinity (nproc, runtimes sizing thread pools) tells
 *     the VPS's CPU count; the CPUs are spread over the host by the VPS's id;
 *   - lxcfs's files (proc/meminfo, cpuinfo, stat, loadavg, uptime, diskstats,
 *     swaps, slabinfo and sys/devices/system/cpu/online) bind-mounted read-only
 *     over the container's, when an lxcfs mount is found: the one the
 *     annotation org.vps.lxcfs names, else the first fuse.lxcfs mount in our
 *     mount table (Debian's lxcfs package mounts it at /var/lib/lxcfs);
 *   - without lxcfs but with a cpuset, a /proc/cpuinfo listing only the
 *     VPS's CPUs, generated into the state dir (procview_files.c).
 * The saved config.json stays the bundle's: exec joins the namespaces the init
 * has, whatever the spec said. Engines' bundles carry no such annotation and
 * are left exactly as they are. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rootfs/template.h"
#include "runtime/procview.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/log.h"

static const char *const lxcfs_files[] = {
    "proc/cpuinfo", "proc/diskstats", "proc/loadavg",
    "proc/meminfo", "proc/stat",      "proc/swaps",
    "proc/uptime",  "proc/slabinfo",  "sys/devices/system/cpu/online",
};

int vps_procview_mode(const struct oci_spec *s)
{
	const char *v = oci_annotation(s, VPS_ANN_PROCVIEW);
	if (!v || !strcmp(v, "off"))
		return VPS_PROCVIEW_OFF;
	if (!strcmp(v, "kernel"))
		return VPS_PROCVIEW_KERNEL;
	if (!strcmp(v, "auto"))
		return VPS_PROCVIEW_AUTO;
	return -1;
}

/* Append a read-only bind of src on dst to the spec's mounts. */
int vps_procview_add_bind(struct oci_spec *s, const char *src, const char *dst, vps_err *err)
{
	static const char *const opts[] = {"bind", "ro", "nosuid", "nodev", "noexec"};
	struct oci_mount *m = realloc(s->mounts, (s->n_mounts + 1) * sizeof(*m));
	if (!m)
		return vps_error(err, ENOMEM, "mount %s", dst);
	s->mounts = m;
	m = &s->mounts[s->n_mounts];
	*m = (struct oci_mount){0};
	m->options = calloc(ARRAY_SIZE(opts), sizeof(char *));
	m->destination = strdup(dst);
	m->source = strdup(src);
	m->type = strdup("bind");
	if (m->options)
		for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
			if ((m->options[i] = strdup(opts[i])))
				m->n_options++;
	s->n_mounts++; /* counted even when half-made: oci_spec_free frees it */
	if (!m->destination || !m->source || !m->type || m->n_options != ARRAY_SIZE(opts))
		return vps_error(err, ENOMEM, "mount %s", dst);
	return 0;
}

/* Undo \040-style escapes of a mountinfo field in place. */
static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else
			*o++ = *s;
	}
	*o = 0;
}

/* The mount point of the first fuse.lxcfs mount we see, or "" */
static int find_lxcfs(char *out, size_t cap)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	size_t n = 0;
	out[0] = 0;
	if (!f)
		return -errno;
	while (getline(&line, &n, f) > 0) {
		char *sep = strstr(line, " - fuse.lxcfs ");
		if (!sep)
			continue;
		/* 1:id 2:parent 3:dev 4:root 5:mount point; only whole lxcfs mounts */
		char *save = NULL, *field = strtok_r(line, " ", &save), *root = NULL;
		for (int i = 1; field && i < 5; i++) {
			if (i == 4)
				root = field;
			field = strtok_r(NULL, " ", &save);
		}
		if (field && field < sep && root && !strcmp(root, "/")) {
			unescape(field);
			return vps_snprintf(out, cap, "%s", field) < 0 ? -ENAMETOOLONG : 0;
		}
	}
	return 0;
}

static int bind_lxcfs(struct oci_spec *s, const char *dir, vps_err *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(lxcfs_files); i++) {
		char src[PATH_MAX], dst[PATH_MAX];
		if (vps_snprintf(src, sizeof(src), "%s/%s", dir, lxcfs_files[i]) < 0 ||
		    vps_snprintf(dst, sizeof(dst), "/%s", lxcfs_files[i]) < 0)
			return vps_errorx(err, ENAMETOOLONG, "lxcfs %s: path too long", dir);
		if (access(src, R_OK) < 0)
			continue; /* this lxcfs does not virtualize it */
		int r = vps_procview_add_bind(s, src, dst, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* boottime starts at zero in the VPS's own time namespace */
static int add_timens(struct oci_spec *s, vps_err *err)
{
	struct oci_linux *lx = &s->lx;
	if (lx->namespaces[OCI_NS_TIME].present || lx->time_boottime.set ||
	    access("/proc/self/ns/time", F_OK) < 0)
		return 0; /* the bundle chose, or the kernel has none */
	struct timespec now;
	if (clock_gettime(CLOCK_BOOTTIME, &now) < 0)
		return vps_error(err, errno, "clock_gettime(CLOCK_BOOTTIME)");
	lx->namespaces[OCI_NS_TIME].present = true;
	lx->time_boottime = (struct oci_time_offset){.set = true, .secs = -(int64_t)now.tv_sec};
	return 0;
}

static int add_cpuset(struct oci_spec *s, const char *id, cpu_set_t *chosen, vps_err *err)
{
	struct oci_cpu *cpu = &s->lx.resources.cpu;
	CPU_ZERO(chosen);
	if (!s->lx.has_resources || cpu->cpus || !cpu->quota.set || cpu->quota.v <= 0)
		return 0;
	uint64_t period = cpu->period.set && cpu->period.v ? cpu->period.v : 100000;
	uint64_t want = ((uint64_t)cpu->quota.v + period - 1) / period;
	cpu_set_t have;
	if (sched_getaffinity(0, sizeof(have), &have) < 0)
		return vps_error(err, errno, "sched_getaffinity");
	int n = CPU_COUNT(&have);
	if (want == 0 || want >= (uint64_t)n)
		return 0;  /* every CPU we may use: nothing to narrow */
	unsigned h = 5381; /* spread VPSes over the host: start at hash(id) */
	for (const char *p = id; *p; p++)
		h = h * 33 + (unsigned char)*p;
	int cpus[CPU_SETSIZE], k = 0;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &have))
			cpus[k++] = c;
	char list[CPU_SETSIZE * 5] = "";
	size_t off = 0;
	for (uint64_t i = 0; i < want; i++) {
		int c = cpus[(h + i) % (unsigned)n];
		CPU_SET(c, chosen);
	}
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, chosen)) {
			int w =
			    vps_snprintf(list + off, sizeof(list) - off, "%s%d", off ? "," : "", c);
			if (w < 0)
				return vps_errorx(err, E2BIG, "cpuset: too many CPUs");
			off += (size_t)w;
		}
	if (!(cpu->cpus = strdup(list)))
		return vps_error(err, ENOMEM, "cpuset");
	return 0;
}

/* lxcfs's binds when there is an lxcfs to use: 1 if so, 0 if none */
static int use_lxcfs(struct oci_spec *s, vps_err *err)
{
	char dir[PATH_MAX];
	const char *ann = oci_annotation(s, VPS_ANN_LXCFS);
	int r;
	if (ann && !strcmp(ann, "off"))
		return 0;
	bool named = ann && strcmp(ann, "auto") != 0;
	if (named)
		r = vps_snprintf(dir, sizeof(dir), "%s", ann);
	else
		r = find_lxcfs(dir, sizeof(dir));
	if (r < 0)
		return vps_error(err, -r, "find lxcfs");
	if (!dir[0])
		return 0;
	if (access(dir, R_OK | X_OK) < 0) {
		if (named)
			return vps_error(err, errno, "config.json: .annotations[\"%s\"]: %s",
					 VPS_ANN_LXCFS, dir);
		/* a found mount whose lxcfs died: no view rather than no VPS */
		log_warn("lxcfs at %s is not usable (%s): /proc views without it", dir,
			 strerror(errno));
		return 0;
	}
	return (r = bind_lxcfs(s, dir, err)) < 0 ? r : 1;
}

int vps_procview_prepare(struct oci_spec *s, const char *id, struct vps_procview *pv, vps_err *err)
{
	*pv = (struct vps_procview){0};
	int mode = vps_procview_mode(s);
	if (mode < 0)
		return vps_errorx(err, EINVAL,
				  "config.json: .annotations[\"%s\"]: expected auto, kernel or "
				  "off, got \"%s\"",
				  VPS_ANN_PROCVIEW, oci_annotation(s, VPS_ANN_PROCVIEW));
	/* a view of /proc needs the VPS's own /proc: its own pid and mount ns */
	if (mode == VPS_PROCVIEW_OFF || !s->lx.namespaces[OCI_NS_PID].present ||
	    s->lx.namespaces[OCI_NS_PID].path || !s->lx.namespaces[OCI_NS_MOUNT].present)
		return 0;
	int r;
	pv->on = true;
	if ((r = add_timens(s, err)) < 0 || (r = add_cpuset(s, id, &pv->cpus, err)) < 0)
		return r;
	if (mode == VPS_PROCVIEW_AUTO && (r = use_lxcfs(s, err)) < 0)
		return r;
	pv->lxcfs = r > 0;
	pv->gen_cpuinfo = !pv->lxcfs && CPU_COUNT(&pv->cpus) > 0;
	return 0;
}
