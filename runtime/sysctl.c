/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.sysctl: only keys that belong to a namespace the container has of its
 * own are allowed (ipc, net, uts), checked before anything is created, and
 * written by the child through /proc/sys before the rootfs replaces /proc. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "util/cleanup.h"
#include "util/fmt.h"

static const char *const ipc_keys[] = {"kernel.msgmax", "kernel.msgmnb",	 "kernel.msgmni",
				       "kernel.sem",	"kernel.shmall",	 "kernel.shmmax",
				       "kernel.shmmni", "kernel.shm_rmid_forced"};

/* The namespace a sysctl key belongs to, or -1. */
static int key_ns(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(ipc_keys); i++)
		if (strcmp(key, ipc_keys[i]) == 0)
			return OCI_NS_IPC;
	if (strncmp(key, "fs.mqueue.", 10) == 0)
		return OCI_NS_IPC;
	if (strncmp(key, "net.", 4) == 0)
		return OCI_NS_NETWORK;
	if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		return OCI_NS_UTS;
	return -1;
}

/* 0, or -ENAMETOOLONG (key longer than cap - 1: never cut into another key). */
static int normalize(const char *key, char *out, size_t cap)
{
	int r = vps_snprintf(out, cap, "%s", key);
	for (char *p = out; *p; p++)
		if (*p == '/')
			*p = '.';
	return r < 0 ? r : 0;
}

int vps_sysctl_validate(const struct oci_spec *spec, vps_err *err)
{
	for (size_t i = 0; i < spec->lx.n_sysctl; i++) {
		char key[256];
		if (normalize(spec->lx.sysctl[i].key, key, sizeof(key)) < 0)
			return vps_errorx(err, ENAMETOOLONG,
					  "linux.sysctl: key \"%.64s...\" is too long",
					  spec->lx.sysctl[i].key);
		if (strstr(key, "..") || key[0] == '.' || key[0] == '\0')
			return vps_errorx(err, EINVAL, "linux.sysctl: invalid key \"%s\"", key);
		int ns = key_ns(key);
		if (ns < 0)
			return vps_errorx(
			    err, EINVAL,
			    "linux.sysctl: \"%s\" is not in a separate kernel namespace", key);
		if (!spec->lx.namespaces[ns].present)
			return vps_errorx(err, EINVAL,
					  "linux.sysctl: \"%s\" needs a %s namespace of its own",
					  key, oci_ns_name((enum oci_ns_type)ns));
	}
	return 0;
}

int vps_child_sysctls(const struct oci_spec *spec, int only_ns, vps_err *err)
{
	for (size_t i = 0; i < spec->lx.n_sysctl; i++) {
		char key[256], path[300];
		if (normalize(spec->lx.sysctl[i].key, key, sizeof(key)) < 0 ||
		    vps_snprintf(path, sizeof(path), "/proc/sys/%s", key) < 0)
			return vps_errorx(err, ENAMETOOLONG, "linux.sysctl: key too long");
		if (only_ns >= 0 && key_ns(key) != only_ns)
			continue;
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		const char *v = spec->lx.sysctl[i].value;
		_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			return vps_error(err, errno, "linux.sysctl: %s", key);
		if (write(fd, v, strlen(v)) < 0)
			return vps_error(err, errno, "linux.sysctl: %s = \"%s\"", key, v);
	}
	return 0;
}
