/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks across sections of a parsed config.json (runc's rules): id maps
 * need a user namespace, hostname a UTS one, time offsets a time one, and a
 * sysctl must belong to a namespace the container has. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "specs/parse_int.h"

static int at(struct jp *p, const char *k1, const char *k2, const char *msg)
{
	size_t m = jp_push_key(p, k1);
	if (k2)
		jp_push_key(p, k2);
	int r = jp_fail(p, "%s", msg);
	jp_pop(p, m);
	return r;
}

static bool has_ns(const struct oci_spec *s, enum oci_ns_type t)
{
	return s->has_linux && s->lx.namespaces[t].present;
}

static int check_userns(struct jp *p, const struct oci_spec *s)
{
	const struct oci_linux *lx = &s->lx;
	bool maps = lx->n_uid_mappings || lx->n_gid_mappings;
	if (!has_ns(s, OCI_NS_USER)) {
		if (maps)
			return at(p, "linux", lx->n_uid_mappings ? "uidMappings" : "gidMappings",
				  "id mappings given but no user namespace in .linux.namespaces");
		return 0;
	}
	if (lx->n_uid_mappings > 340 || lx->n_gid_mappings > 340)
		return at(p, "linux", lx->n_uid_mappings > 340 ? "uidMappings" : "gidMappings",
			  "more than 340 mappings (the kernel's limit)");
	if (lx->namespaces[OCI_NS_USER].path)
		return 0;
	if (!lx->n_uid_mappings || !lx->n_gid_mappings)
		return at(p, "linux", lx->n_uid_mappings ? "gidMappings" : "uidMappings",
			  "a new user namespace needs both uidMappings and gidMappings");
	return 0;
}

/* The namespace a sysctl lives in, or -1 when it is host-wide. */
static int sysctl_ns(const char *key)
{
	static const char *const ipc[] = {
	    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	};
	char k[256];
	/* snprintf-ok: the prefix decides; runtime/sysctl.c refuses a key this long */
	snprintf(k, sizeof(k), "%s", key);
	for (char *c = k; *c; c++)
		if (*c == '/')
			*c = '.';
	for (size_t i = 0; i < sizeof(ipc) / sizeof(ipc[0]); i++)
		if (strcmp(k, ipc[i]) == 0)
			return OCI_NS_IPC;
	if (strncmp(k, "fs.mqueue.", 10) == 0)
		return OCI_NS_IPC;
	if (strncmp(k, "net.", 4) == 0)
		return OCI_NS_NETWORK;
	if (strcmp(k, "kernel.hostname") == 0 || strcmp(k, "kernel.domainname") == 0)
		return OCI_NS_UTS;
	return -1;
}

static int check_sysctl(struct jp *p, const struct oci_spec *s)
{
	for (size_t i = 0; i < s->lx.n_sysctl; i++) {
		const char *key = s->lx.sysctl[i].key;
		int ns = sysctl_ns(key);
		if (ns >= 0 && has_ns(s, ns))
			continue;
		size_t m = jp_push_key(p, "linux");
		jp_push_key(p, "sysctl");
		jp_push_mapkey(p, key);
		int r = ns < 0 ? jp_fail(p, "sysctl is not namespaced (it would change the host)")
			       : jp_fail(p, "needs a %s namespace in .linux.namespaces",
					 oci_ns_name(ns));
		jp_pop(p, m);
		return r;
	}
	return 0;
}

int oci_validate_spec(struct jp *p, const struct oci_spec *s)
{
	if (check_userns(p, s) < 0 || check_sysctl(p, s) < 0)
		return -EINVAL;
	if (s->hostname && s->hostname[0] && !has_ns(s, OCI_NS_UTS))
		return at(p, "hostname", NULL, "setting it needs a uts namespace");
	if (s->domainname && s->domainname[0] && !has_ns(s, OCI_NS_UTS))
		return at(p, "domainname", NULL, "setting it needs a uts namespace");
	if (s->hostname && strlen(s->hostname) > 64)
		return at(p, "hostname", NULL, "longer than 64 bytes");
	if (s->domainname && strlen(s->domainname) > 64)
		return at(p, "domainname", NULL, "longer than 64 bytes");
	if ((s->lx.time_monotonic.set || s->lx.time_boottime.set) &&
	    (!has_ns(s, OCI_NS_TIME) || s->lx.namespaces[OCI_NS_TIME].path))
		return at(p, "linux", "timeOffsets", "needs a new time namespace");
	return 0;
}
