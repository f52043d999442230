/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The OCI features document. Everything listed is what vps accepts AND acts
 * on; lists come from the parsers' tables and probes of this host, never
 * from a hard-coded "yes". */
#include "runtime/features.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "rootfs/rootfs.h"
#include "runtime/internal.h"
#include "specs/spec.h"
#include "util/fmt.h"

/* runc's mount option words plus idmap/ridmap/tmpcopyup; a word counts when
 * the rootfs option parser takes it as an option, not as fs data. */
static const char *const mount_words[] = {
    "acl",
    "async",
    "atime",
    "bind",
    "defaults",
    "dev",
    "diratime",
    "dirsync",
    "exec",
    "idmap",
    "iversion",
    "lazytime",
    "loud",
    "mand",
    "noacl",
    "noatime",
    "nodev",
    "nodiratime",
    "noexec",
    "noiversion",
    "nolazytime",
    "nomand",
    "norelatime",
    "nostrictatime",
    "nosuid",
    "nosymfollow",
    "private",
    "ratime",
    "rbind",
    "rdev",
    "rdiratime",
    "relatime",
    "remount",
    "rexec",
    "ridmap",
    "rnoatime",
    "rnodev",
    "rnodiratime",
    "rnoexec",
    "rnorelatime",
    "rnostrictatime",
    "rnosuid",
    "rnosymfollow",
    "ro",
    "rprivate",
    "rrelatime",
    "rro",
    "rrw",
    "rshared",
    "rslave",
    "rstrictatime",
    "rsuid",
    "rsymfollow",
    "runbindable",
    "rw",
    "shared",
    "silent",
    "slave",
    "strictatime",
    "suid",
    "symfollow",
    "sync",
    "tmpcopyup",
    "unbindable",
};

static json_object *strings(const char *const *v, size_t n)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; a && i < n; i++)
		if (v[i])
			json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static json_object *mount_options(void)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; a && i < sizeof(mount_words) / sizeof(mount_words[0]); i++)
		if (vps_mount_option_known(mount_words[i]))
			json_object_array_add(a, json_object_new_string(mount_words[i]));
	return a;
}

static json_object *capabilities(void)
{
	json_object *a = json_object_new_array();
	for (cap_value_t c = 0; a && c < (cap_value_t)cap_max_bits() && c < 64; c++) {
		char up[64];
		if (vps_cap_name((int)c, up, sizeof(up)))
			json_object_array_add(a, json_object_new_string(up));
	}
	return a;
}

/* A filter flag is supported when seccomp(2) gets past flag validation
 * (EFAULT on the NULL program) instead of EINVAL. */
static bool seccomp_flag_ok(unsigned long flag)
{
	if (flag & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
		flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

static json_object *seccomp(void)
{
	static const unsigned long flag_bits[] = {
	    SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW,
	    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV};
	size_t n;
	json_object *s = json_object_new_object();
	json_object_object_add(s, "enabled", json_object_new_boolean(1));
	const char *const *v = oci_seccomp_names(OCI_SECCOMP_ACTIONS, &n);
	json_object_object_add(s, "actions", strings(v, n));
	v = oci_seccomp_names(OCI_SECCOMP_OPS, &n);
	json_object_object_add(s, "operators", strings(v, n));
	v = oci_seccomp_names(OCI_SECCOMP_ARCHES, &n);
	json_object *arches = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		char lower[32];
		size_t k = 0;
		for (const char *c = v[i] + strlen("SCMP_ARCH_"); *c && k < sizeof(lower) - 1; c++)
			lower[k++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		lower[k] = '\0';
		if (seccomp_arch_resolve_name(lower))
			json_object_array_add(arches, json_object_new_string(v[i]));
	}
	json_object_object_add(s, "archs", arches);
	v = oci_seccomp_names(OCI_SECCOMP_FLAGS, &n);
	json_object_object_add(s, "knownFlags", strings(v, n));
	json_object *sup = json_object_new_array();
	for (size_t i = 0; i < n && i < sizeof(flag_bits) / sizeof(flag_bits[0]); i++)
		if (seccomp_flag_ok(flag_bits[i]))
			json_object_array_add(sup, json_object_new_string(v[i]));
	json_object_object_add(s, "supportedFlags", sup);
	return s;
}

static json_object *enabled(bool on)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "enabled", json_object_new_boolean(on));
	return o;
}

/* The cgroups/ drivers handle v1, v2 and hybrid hosts; report the layout
 * this host has, and rdma when its controller exists. The systemd driver (system
 * instance only: vps runs as root). */
static json_object *cgroup_features(void)
{
	enum vps_cgroup_layout l = VPS_CG_V2;
	bool known = vps_cgroup_layout(&l, NULL) == 0;
	bool rdma = access("/sys/fs/cgroup/rdma", F_OK) == 0;
	static const char *const ctl[] = {"/sys/fs/cgroup/cgroup.controllers",
					  "/sys/fs/cgroup/unified/cgroup.controllers"};
	for (size_t i = 0; !rdma && i < sizeof(ctl) / sizeof(ctl[0]); i++) {
		char buf[512] = "";
		FILE *f = fopen(ctl[i], "re");
		if (f) {
			if (fgets(buf, sizeof(buf), f))
				rdma = strstr(buf, "rdma") != NULL;
			fclose(f);
		}
	}
	json_object *cg = json_object_new_object();
	json_object_object_add(cg, "v1", json_object_new_boolean(known && l != VPS_CG_V2));
	json_object_object_add(cg, "v2", json_object_new_boolean(known && l != VPS_CG_V1));
	json_object_object_add(cg, "systemd", json_object_new_boolean(1));
	json_object_object_add(cg, "systemdUser", json_object_new_boolean(0));
	json_object_object_add(cg, "rdma", json_object_new_boolean(rdma));
	return cg;
}

static json_object *linux_features(void)
{
	const char *ns[OCI_NS_MAX];
	for (int t = 0; t < OCI_NS_MAX; t++)
		ns[t] = oci_ns_name(t);
	json_object *lx = json_object_new_object();
	json_object_object_add(lx, "namespaces", strings(ns, OCI_NS_MAX));
	json_object_object_add(lx, "capabilities", capabilities());
	json_object_object_add(lx, "cgroup", cgroup_features());
	json_object_object_add(lx, "seccomp", seccomp());
	json_object_object_add(lx, "apparmor", enabled(false));
	json_object_object_add(lx, "selinux", enabled(false));
	json_object_object_add(lx, "intelRdt", enabled(false));
	json_object *ext = json_object_new_object();
	json_object_object_add(ext, "idmap", enabled(vps_mount_option_known("idmap")));
	json_object_object_add(lx, "mountExtensions", ext);
	return lx;
}

json_object *vps_features(void)
{
	static const char *const hooks[] = {"prestart",	      "createRuntime", "createContainer",
					    "startContainer", "poststart",     "poststop"};
	json_object *f = json_object_new_object();
	if (!f)
		return NULL;
	json_object_object_add(f, "ociVersionMin", json_object_new_string("1.0.0"));
	json_object_object_add(f, "ociVersionMax", json_object_new_string("1.2.0"));
	json_object_object_add(f, "hooks", strings(hooks, sizeof(hooks) / sizeof(hooks[0])));
	json_object_object_add(f, "mountOptions", mount_options());
	json_object_object_add(f, "linux", linux_features());
	const struct scmp_version *sv = seccomp_version();
	char ver[64];
	/* fits: three numbers in 64 */
	vps_snprintf(ver, sizeof(ver), "%u.%u.%u", sv->major, sv->minor, sv->micro);
	json_object *ann = json_object_new_object();
	json_object_object_add(ann, "io.github.seccomp.libseccomp.version",
			       json_object_new_string(ver));
	json_object_object_add(f, "annotations", ann);
	return f;
}
