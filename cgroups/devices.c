/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources.devices: the spec's rules in order, then the devices every
 * container gets (runc's list: mknod of anything, null, zero, full, random,
 * urandom, tty, ptmx, pts). v1 writes devices.allow/devices.deny; v2 attaches
 * a BPF_PROG_TYPE_CGROUP_DEVICE program (devices_bpf.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "cgroups/devices.h"
#include "util/cleanup.h"
#include "util/fmt.h"

const struct oci_device_rule cg_default_devices[] = {
    {true, 'c', -1, -1, "m"}, {true, 'b', -1, -1, "m"},	   {true, 'c', 1, 3, "rwm"},
    {true, 'c', 1, 8, "rwm"}, {true, 'c', 1, 7, "rwm"},	   {true, 'c', 5, 0, "rwm"},
    {true, 'c', 1, 5, "rwm"}, {true, 'c', 1, 9, "rwm"},	   {true, 'c', 136, -1, "rwm"},
    {true, 'c', 5, 2, "rwm"}, {true, 'c', 10, 200, "rwm"},
};
const size_t cg_n_default_devices = ARRAY_SIZE(cg_default_devices);

static void num(char *out, size_t sz, int64_t v)
{
	if (v < 0)
		vps_snprintf(out, sz, "*"); /* fits: "*" */
	else
		vps_snprintf(out, sz, "%lld", (long long)v); /* fits: a number in 24 */
}

int cg_device_rule_ok(const struct oci_device_rule *d, char *why, size_t whysz)
{
	if (!strchr("acb", d->type) || !d->type) {
		/* fits: a constant message in 96 */
		vps_snprintf(why, whysz, "type '%c': expected a, c or b", d->type ? d->type : '?');
		return -EINVAL;
	}
	if (!d->access[0] || strspn(d->access, "rwm") != strlen(d->access)) {
		/* fits: access is 3 letters at most */
		vps_snprintf(why, whysz, "access \"%s\": expected letters of rwm", d->access);
		return -EINVAL;
	}
	return 0;
}

void cg_device_rule_str(const struct oci_device_rule *d, char *out, size_t sz)
{
	char maj[24], min[24];
	num(maj, sizeof(maj), d->major);
	num(min, sizeof(min), d->minor);
	if (d->type == 'a')
		vps_snprintf(out, sz, "a"); /* fits: "a" */
	else
		/* fits: 2 numbers and 3 letters */
		vps_snprintf(out, sz, "%c %s:%s %s", d->type, maj, min, d->access);
}

/* v1 takes one rule per write; devices.allow and devices.deny stay open across
 * the rules (fd[0] deny, fd[1] allow; -1 until first needed) */
static int v1_rule(struct cg_hier *h, int fd[2], const struct oci_device_rule *d, vps_err *err)
{
	const char *file = d->allow ? "devices.allow" : "devices.deny";
	int *f = &fd[d->allow];
	char line[96];
	cg_device_rule_str(d, line, sizeof(line));
	if (*f < 0) {
		int r = cg_open_dir(h, err);
		if (r < 0)
			return r;
		if ((*f = openat(h->dirfd, file, O_WRONLY | O_CLOEXEC)) < 0)
			return vps_error(err, errno, "open %s/%s", h->dir, file);
	}
	size_t len = strlen(line);
	if (write(*f, line, len) != (ssize_t)len)
		return vps_error(err, errno, "write \"%s\" to %s/%s", line, h->dir, file);
	return 0;
}

static int v1_rules(struct cg_hier *h, const struct oci_resources *res, vps_err *err)
{
	int fd[2] = {-1, -1}, r = 0;
	for (size_t i = 0; i < res->n_devices && r >= 0; i++)
		if ((r = v1_rule(h, fd, &res->devices[i], err)) < 0)
			vps_error_wrap(err, "devices[%zu]", i);
	for (size_t i = 0; i < cg_n_default_devices && r >= 0; i++)
		if ((r = v1_rule(h, fd, &cg_default_devices[i], err)) < 0)
			vps_error_wrap(err, "default device rule");
	for (int i = 0; i < 2; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return r;
}

int cg_apply_devices(struct vps_cgroup *cg, const struct oci_resources *res, vps_err *err)
{
	if (!res->n_devices)
		return 0;
	for (size_t i = 0; i < res->n_devices; i++) {
		char why[96];
		int r = cg_device_rule_ok(&res->devices[i], why, sizeof(why));
		if (r < 0)
			return vps_errorx(err, -r, "devices[%zu]: %s", i, why);
	}
	struct cg_hier *h = cg_hier_for(cg, "devices");
	if (!h || h->v2) {
		h = cg_hier_v2(cg);
		if (!h)
			return vps_errorx(err, EOPNOTSUPP,
					  "devices: the host has neither a v1 devices "
					  "hierarchy nor cgroup v2");
		return cg_devices_bpf_attach(h, res->devices, res->n_devices, err);
	}
	return v1_rules(h, res, err);
}
