/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json for a VPS: `vps spec`'s default, edited with json-c into a
 * long-running system: the template's init as pid 1, no terminal, writable
 * root, hostname, a VPS capability set, limits, seccomp, annotations; what
 * systemd as pid 1 needs on top is template_systemd_config.c's. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <string.h>

#include "rootfs/disk.h"
#include "rootfs/template.h"
#include "specs/spec.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

/* What a small system needs (login/su switch users, httpd binds port 80,
 * init kills its children, chown/chmod of its own files, halt and reboot:
 * CAP_SYS_BOOT, whose reboot(2) in the VPS's own pid namespace only ends the
 * VPS's init, by SIGINT for halt/poweroff and SIGHUP for reboot): docker's
 * default set plus CAP_SYS_BOOT and without CAP_NET_RAW (raw sockets forge frames; iputils ping
 * uses ICMP sockets, allowed by the ping_group_range vps sets in the VPS's netns). The busybox
 * template alone keeps CAP_NET_RAW (the last entry): its ping only knows raw sockets, and the
 * bridge guard (netns/guard.c) drops any frame whose MAC or source address is not the VPS's own. */
static const char *const vps_caps[] = {
    "CAP_CHOWN",      "CAP_DAC_OVERRIDE", "CAP_FSETID",	     "CAP_FOWNER",   "CAP_MKNOD",
    "CAP_SETGID",     "CAP_SETUID",	  "CAP_SETFCAP",     "CAP_SETPCAP",  "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT", "CAP_KILL",	  "CAP_AUDIT_WRITE", "CAP_SYS_BOOT", "CAP_NET_RAW"};

static json_object *child(json_object *o, const char *key)
{
	json_object *c;
	if (json_object_object_get_ex(o, key, &c))
		return c;
	c = json_object_new_object();
	json_object_object_add(o, key, c);
	return c;
}

static json_object *str_array(const char *const *v, size_t n)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

json_object *vps_tmpl_json_child(json_object *o, const char *key)
{
	return child(o, key);
}

json_object *vps_tmpl_json_strv(const char *const *v, size_t n)
{
	return str_array(v, n);
}

static void edit_process(json_object *p, const char *init, bool allow_setuid, bool net_raw)
{
	json_object_object_add(p, "terminal", json_object_new_boolean(0));
	const char *args[] = {init};
	json_object_object_add(p, "args", str_array(args, 1));
	const char *env[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			     "TERM=xterm", "container=vps"};
	json_object_object_add(p, "env", str_array(env, ARRAY_SIZE(env)));
	/* no_new_privs by default: setuid programs inside (su, passwd run by a
	 * user) gain nothing; accounts are managed from the host (vps passwd,
	 * vps useradd) and people log in as themselves (vps exec NAME login).
	 * --allow-setuid makes a VPS whose users may use su/sudo. */
	json_object_object_add(p, "noNewPrivileges", json_object_new_boolean(!allow_setuid));
	json_object *caps = json_object_new_object();
	const char *sets[] = {"bounding", "effective", "permitted"};
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
		json_object_object_add(caps, sets[i],
				       str_array(vps_caps, ARRAY_SIZE(vps_caps) - !net_raw));
	json_object_object_add(p, "capabilities", caps);
}

static void edit_resources(json_object *lx, const struct vps_bundle_opts *o)
{
	json_object *res = child(lx, "resources");
	if (o->memory > 0)
		json_object_object_add(child(res, "memory"), "limit",
				       json_object_new_int64(o->memory));
	if (o->pids > 0)
		json_object_object_add(child(res, "pids"), "limit", json_object_new_int64(o->pids));
	if (o->cpu_quota) {
		json_object *cpu = child(res, "cpu");
		json_object_object_add(cpu, "quota", json_object_new_int64(o->cpu_quota));
		json_object_object_add(cpu, "period", json_object_new_int64(100000));
	}
}

static void annotate(json_object *cfg, const struct vps_bundle_opts *o)
{
	json_object *a = child(cfg, "annotations");
	json_object_object_add(a, VPS_ANN_NAME, json_object_new_string(o->name));
	json_object_object_add(a, VPS_ANN_TEMPLATE, json_object_new_string(o->tmpl));
	json_object_object_add(a, VPS_ANN_PROCVIEW, json_object_new_string("auto"));
	if (o->ip)
		json_object_object_add(a, VPS_ANN_IP, json_object_new_string(o->ip));
	if (o->bridge)
		json_object_object_add(a, VPS_ANN_BRIDGE, json_object_new_string(o->bridge));
	if (o->gateway)
		json_object_object_add(a, VPS_ANN_GATEWAY, json_object_new_string(o->gateway));
	if (o->ip6)
		json_object_object_add(a, VPS_ANN_IP6, json_object_new_string(o->ip6));
	if (o->publish)
		json_object_object_add(a, VPS_ANN_PUBLISH, json_object_new_string(o->publish));
	if (o->dns)
		json_object_object_add(a, VPS_ANN_DNS, json_object_new_string(o->dns));
	if (o->vm)
		json_object_object_add(a, VPS_ANN_ISOLATION, json_object_new_string("vm"));
	char proj[16];
	if (o->disk > 0 && o->disk_dir &&
	    vps_snprintf(proj, sizeof(proj), "%u", o->disk_project) >= 0)
		json_object_object_add(a, VPS_ANN_DISK_PROJECT, json_object_new_string(proj));
	else if (o->disk > 0)
		json_object_object_add(a, VPS_ANN_DISK, json_object_new_string(VPS_DISK_FILE));
}

/* linux.seccomp: the default profile, none, or an OCI profile from a file. */
int vps_tmpl_seccomp(const char *which, json_object **out, vps_err *err)
{
	*out = NULL;
	if (which && strcmp(which, "none") == 0)
		return 0;
	_cleanup_free_ char *text = NULL;
	if (which) {
		int r = vps_read_file_at(AT_FDCWD, which, 4 << 20, &text, NULL, err);
		if (r < 0)
			return vps_error_wrap(err, "--seccomp");
	}
	json_object *sc = json_tokener_parse(text ? text : vps_default_seccomp_json), *da;
	if (!sc || !json_object_is_type(sc, json_type_object) ||
	    !json_object_object_get_ex(sc, "defaultAction", &da)) {
		json_object_put(sc);
		return vps_errorx(err, EINVAL,
				  "--seccomp %s: not an OCI seccomp profile (JSON "
				  "object with defaultAction)",
				  which ? which : "(default)");
	}
	*out = sc;
	return 0;
}

int vps_tmpl_config(int bundlefd, const struct vps_bundle_opts *o, const char *init, bool systemd,
		    json_object *sc, const struct vps_tmpl_userns *u, vps_err *err)
{
	_cleanup_free_ char *text = oci_spec_default_json(false);
	json_object *cfg = text ? json_tokener_parse(text) : NULL;
	if (!cfg) {
		json_object_put(sc);
		return vps_errorx(err, EINVAL, "internal: default config");
	}
	bool busybox = !strcmp(o->tmpl ? o->tmpl : "busybox", "busybox");
	edit_process(child(cfg, "process"), init, o->allow_setuid, busybox);
	json_object_object_add(child(cfg, "root"), "readonly", json_object_new_boolean(0));
	json_object_object_add(cfg, "hostname",
			       json_object_new_string(o->hostname ? o->hostname : o->name));
	json_object *lx = child(cfg, "linux");
	edit_resources(lx, o);
	if (sc)
		json_object_object_add(lx, "seccomp", sc);
	else
		json_object_object_del(lx, "seccomp");
	annotate(cfg, o);
	vps_tmpl_userns_config(cfg, u);
	if (systemd)
		vps_tmpl_config_systemd(cfg);
	else
		vps_tmpl_stop_signal(cfg, o, busybox);
	const char *out = json_object_to_json_string_ext(cfg, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE);
	int r = vps_write_atomic_at(bundlefd, "config.json", out, strlen(out), 0644, (uid_t)-1,
				    (gid_t)-1, err);
	json_object_put(cfg);
	return r;
}
