/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Init-specific config.json edits: the stop signal of every init we know and,
 * for a VPS whose pid 1 is systemd, what systemd's container interface asks:
 * $container (container=vps, in every VPS's env already; systemd writes
 * /run/systemd/container from it), /run and /tmp as tmpfs, a cgroup namespace
 * of its own with cgroup2 mounted writable at /sys/fs/cgroup (the VPS's cgroup
 * as the root: the runtime hands it to the VPS's root, see
 * vps_cgroup_delegate), and a system container's capabilities (mounts for its
 * services, its network, halting). Unified mode on every host: on a hybrid
 * host systemd sees only the cgroup2 hierarchy (without controllers: the VPS's
 * v1 limits still hold from outside), on a pure v2 one the same layout with
 * controllers; one directory to delegate either way. process.terminal stays
 * false: /dev/console needs a holder of the pty master for the VPS's whole
 * life (a console socket or the VPS monitor). Annotations: org.vps.init=systemd,
 * and the stop signal (SIGRTMIN+4: systemd powers off). */
#include <json-c/json.h>
#include <string.h>

#include "rootfs/template.h"
#include "util/cleanup.h"

/* On top of the VPS set: CAP_SYS_ADMIN (mount /run, /tmp, PrivateTmp=,
 * ProtectSystem=... for its services), CAP_NET_ADMIN (its own network
 * namespace: lo, addresses), CAP_SYS_NICE, CAP_SYS_PTRACE (reading its
 * services' /proc), CAP_IPC_LOCK/IPC_OWNER, CAP_LEASE, CAP_SYS_TTY_CONFIG
 * (vhangup of the console). Left out: CAP_SYS_MODULE, CAP_SYS_RAWIO,
 * CAP_SYS_TIME, CAP_MAC_*, CAP_SYSLOG, CAP_AUDIT_CONTROL, CAP_WAKE_ALARM,
 * CAP_BLOCK_SUSPEND, CAP_DAC_READ_SEARCH (handle-based opens), CAP_BPF,
 * CAP_PERFMON; CAP_SYS_RESOURCE too, which some hosts (this CI host) do not
 * hold in their own bounding set: systemd then keeps the rlimits it got. */
static const char *const systemd_caps[] = {"CAP_SYS_ADMIN",  "CAP_NET_ADMIN",	   "CAP_SYS_NICE",
					   "CAP_SYS_PTRACE", "CAP_IPC_LOCK",	   "CAP_IPC_OWNER",
					   "CAP_LEASE",	     "CAP_SYS_TTY_CONFIG", NULL};

static bool has_string(json_object *a, const char *s)
{
	for (size_t i = 0; i < json_object_array_length(a); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(a, i)), s))
			return true;
	return false;
}

static void add_caps(json_object *process)
{
	json_object *caps = vps_tmpl_json_child(process, "capabilities");
	const char *sets[] = {"bounding", "effective", "permitted"};
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		json_object *a;
		if (!json_object_object_get_ex(caps, sets[i], &a))
			continue;
		for (size_t c = 0; systemd_caps[c]; c++)
			if (!has_string(a, systemd_caps[c]))
				json_object_array_add(a, json_object_new_string(systemd_caps[c]));
	}
}

static json_object *mount_entry(const char *dest, const char *type, const char *const *opts,
				size_t n)
{
	json_object *m = json_object_new_object();
	json_object_object_add(m, "destination", json_object_new_string(dest));
	json_object_object_add(m, "type", json_object_new_string(type));
	json_object_object_add(m, "source", json_object_new_string(type));
	json_object_object_add(m, "options", vps_tmpl_json_strv(opts, n));
	return m;
}

/* The default's read-only v1-or-v2 /sys/fs/cgroup becomes a writable cgroup2
 * (the new cgroup namespace makes its root the VPS's cgroup); /run and /tmp
 * become tmpfs. */
static void edit_mounts(json_object *cfg)
{
	json_object *old, *mounts = json_object_new_array();
	if (json_object_object_get_ex(cfg, "mounts", &old))
		for (size_t i = 0; i < json_object_array_length(old); i++) {
			json_object *m = json_object_array_get_idx(old, i), *d;
			if (json_object_object_get_ex(m, "destination", &d) &&
			    !strcmp(json_object_get_string(d), "/sys/fs/cgroup"))
				continue;
			json_object_array_add(mounts, json_object_get(m));
		}
	static const char *const cg[] = {"nosuid", "noexec", "nodev", "relatime", "rw"};
	static const char *const run[] = {"nosuid", "nodev", "mode=755", "size=65536k"};
	static const char *const tmp[] = {"nosuid", "nodev", "mode=1777"};
	json_object_array_add(mounts, mount_entry("/sys/fs/cgroup", "cgroup2", cg, ARRAY_SIZE(cg)));
	json_object_array_add(mounts, mount_entry("/run", "tmpfs", run, ARRAY_SIZE(run)));
	json_object_array_add(mounts, mount_entry("/tmp", "tmpfs", tmp, ARRAY_SIZE(tmp)));
	json_object_object_add(cfg, "mounts", mounts);
}

static void add_cgroupns(json_object *lx)
{
	json_object *ns = vps_tmpl_json_child(lx, "namespaces"), *t;
	if (!json_object_is_type(ns, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(ns); i++)
		if (json_object_object_get_ex(json_object_array_get_idx(ns, i), "type", &t) &&
		    !strcmp(json_object_get_string(t), "cgroup"))
			return;
	json_object *e = json_object_new_object();
	json_object_object_add(e, "type", json_object_new_string("cgroup"));
	json_object_array_add(ns, e);
}

void vps_tmpl_config_systemd(json_object *cfg)
{
	add_caps(vps_tmpl_json_child(cfg, "process"));
	add_cgroupns(vps_tmpl_json_child(cfg, "linux"));
	edit_mounts(cfg);
	json_object *a = vps_tmpl_json_child(cfg, "annotations");
	json_object_object_add(a, VPS_ANN_INIT, json_object_new_string("systemd"));
	json_object_object_add(a, VPS_ANN_STOP_SIGNAL, json_object_new_string("SIGRTMIN+4"));
}

void vps_tmpl_stop_signal(json_object *cfg, const struct vps_bundle_opts *o, bool busybox)
{
	const char *sig = busybox ? "SIGUSR2" : NULL;
	if (o->init && !strcmp(o->init, "sysvinit"))
		sig = "SIGINT";
	if (sig)
		json_object_object_add(vps_tmpl_json_child(cfg, "annotations"), VPS_ANN_STOP_SIGNAL,
				       json_object_new_string(sig));
}
