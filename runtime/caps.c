/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capabilities through libcap: the bounding set is trimmed while we are still
 * root, then after the uid switch (keepcaps) the effective, permitted and
 * inheritable sets are set exactly as asked (inheritable stays empty unless
 * the spec lists some) and ambient capabilities are raised. */
#include <errno.h>
#include <grp.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "util/log.h"

static int last_cap(void)
{
	int n = (int)cap_max_bits() - 1;
	return n > 63 ? 63 : n;
}

int vps_cap_from_name(const char *name, int *cap, vps_err *err)
{
	cap_value_t v;
	if (cap_from_name(name, &v) < 0 || v < 0 || v > last_cap())
		return vps_errorx(err, EINVAL, "unknown capability \"%s\"", name);
	*cap = (int)v;
	return 0;
}

bool vps_cap_name(int cap, char *out, size_t outsz)
{
	char *n = cap_to_name((cap_value_t)cap);
	size_t i = 0;
	for (; n && n[i] && i + 1 < outsz; i++)
		out[i] = (char)(n[i] >= 'a' && n[i] <= 'z' ? n[i] - 32 : n[i]);
	if (outsz)
		out[i] = '\0';
	bool ok = n && !n[i] && strncmp(out, "CAP_", 4) == 0;
	cap_free(n);
	return ok;
}

int vps_caps_drop_bounding(const struct oci_caps *caps, vps_err *err)
{
	/* a cap this kernel lacks says EINVAL (no CAP_IS_SUPPORTED probe per cap) */
	for (int c = 0, last = last_cap(); c <= last; c++) {
		if (caps->bounding & (1ULL << c))
			continue;
		if (cap_drop_bound((cap_value_t)c) < 0 && errno != EINVAL) {
			char *n = cap_to_name((cap_value_t)c);
			vps_error(err, errno, "drop %s from the bounding set", n ? n : "?");
			cap_free(n);
			return -err->code;
		}
	}
	return 0;
}

void vps_caps_warn_ambient(const struct oci_caps *caps)
{
	for (int v = 0; v <= last_cap(); v++) {
		uint64_t bit = 1ULL << v;
		if (!(caps->ambient & bit) || (caps->permitted & caps->inheritable & bit))
			continue;
		char n[64];
		/* runc's words: its suite and its users grep them */
		if (!vps_cap_name(v, n, sizeof(n)))
			log_warn("can't raise ambient capability %d: not in both the inheritable "
				 "and permitted sets; left out",
				 v);
		else
			log_warn("can't raise ambient capability %s: not in both the inheritable "
				 "and permitted sets; left out",
				 n);
	}
}

static int set_flag(cap_t c, cap_flag_t flag, uint64_t mask)
{
	for (int v = 0; v <= last_cap(); v++) {
		cap_value_t cv = v;
		if ((mask & (1ULL << v)) && cap_set_flag(c, flag, 1, &cv, CAP_SET) < 0)
			return -1;
	}
	return 0;
}

int vps_caps_apply(const struct oci_caps *caps, uint64_t keep, vps_err *err)
{
	cap_t c = cap_init();
	if (!c)
		return vps_error(err, errno, "capabilities");
	int r = 0;
	if (set_flag(c, CAP_EFFECTIVE, caps->effective | keep) < 0 ||
	    set_flag(c, CAP_PERMITTED, caps->permitted | keep) < 0 ||
	    set_flag(c, CAP_INHERITABLE, caps->inheritable) < 0)
		r = vps_error(err, errno, "capabilities");
	else if (cap_set_proc(c) < 0)
		r = vps_error(err, errno,
			      "set capabilities (effective must be within permitted, and both "
			      "within the bounding set)");
	cap_free(c);
	if (r < 0)
		return r;
	/* one prctl: libcap's cap_reset_ambient probes every cap first (40 calls);
	 * EINVAL: a kernel without ambient capabilities, nothing to clear */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return vps_error(err, errno, "clear ambient capabilities");
	for (int v = 0; v <= last_cap(); v++) {
		if (!(caps->ambient & (1ULL << v)))
			continue;
		/* the kernel only allows ambient caps that are permitted and inheritable */
		if (!(caps->permitted & caps->inheritable & (1ULL << v)))
			continue;
		if (cap_set_ambient((cap_value_t)v, CAP_SET) < 0)
			return vps_error(err, errno, "raise ambient capability %d", v);
	}
	return 0;
}

int vps_child_identity(const struct oci_process *p, bool keep_admin, vps_err *err)
{
	const struct oci_user *u = &p->user;
	int r;
	if (p->has_caps && (r = vps_caps_drop_bounding(&p->caps, err)) < 0)
		return r;
	if (setgroups(u->n_additional_gids, u->additional_gids) < 0 &&
	    !(errno == EPERM && u->n_additional_gids == 0))
		return vps_error(err, errno, "process.user.additionalGids");
	/* without a capabilities object the kernel's setuid rules apply as they are */
	if (p->has_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return vps_error(err, errno, "keepcaps");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return vps_error(err, errno, "process.user.gid %u", u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return vps_error(err, errno, "process.user.uid %u", u->uid);
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	/* execve drops a cap that is neither inheritable nor ambient (whatever
	 * the uid: root's caps after exec are its bounding set) */
	uint64_t keep = keep_admin ? 1ULL << CAP_SYS_ADMIN : 0;
	if (p->has_caps && (r = vps_caps_apply(&p->caps, keep, err)) < 0)
		return r;
	umask(u->umask.set ? (mode_t)u->umask.v : 022);
	return 0;
}
