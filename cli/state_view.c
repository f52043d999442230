/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The runc-compatible container object shared by `state` and `list`. */
#include "cli/state_view.h"
#include "runtime/runtime.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "netns/net.h"
#include "rootfs/userns.h"
#include "util/fmt.h"

const char *cli_owner_name(uid_t uid, char *buf, size_t n)
{
	struct passwd pw, *res = NULL;
	char tmp[1024];
	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) != 0 || !res ||
	    vps_snprintf(buf, n, "%s", res->pw_name) < 0)   /* a name too long: the number */
		vps_snprintf(buf, n, "#%u", (unsigned)uid); /* fits: a number in callers' 256 */
	return buf;
}

static void add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

json_object *cli_state_view(const char *root, const struct vps_state *st)
{
	enum vps_status live = vps_status_live(root, st);
	json_object *o = json_object_new_object();
	char owner[256];
	if (!o)
		return NULL;
	add_str(o, "ociVersion", st->oci_version ? st->oci_version : "1.2.0");
	add_str(o, "id", st->id);
	json_object_object_add(o, "pid", json_object_new_int(live == VPS_STOPPED ? 0 : st->pid));
	add_str(o, "status", vps_status_name(live));
	add_str(o, "bundle", st->bundle);
	add_str(o, "rootfs", st->rootfs);
	add_str(o, "created", st->created ? st->created : "0001-01-01T00:00:00Z");
	if (st->n_annotations) {
		json_object *a = json_object_new_object();
		for (size_t i = 0; a && i < st->n_annotations; i++)
			add_str(a, st->annotations[i].key, st->annotations[i].value);
		json_object_object_add(o, "annotations", a);
	}
	add_str(o, "owner", cli_owner_name(st->owner, owner, sizeof(owner)));
	/* vps addition: a VPS-face VPS's root, "mapped" (a user namespace and
	 * host ids of its own) or "host" (host root) */
	const char *kind = vps_root_kind(st->annotations, st->n_annotations);
	if (kind)
		add_str(o, "root", kind);
	/* vps addition: the VPS's address(es) when it has vps networking */
	json_object *net;
	char addr[160];
	if (st->extra && json_object_object_get_ex(st->extra, "net", &net) &&
	    vps_net_address(net, addr, sizeof(addr)))
		add_str(o, "address", addr);
	/* vps addition: how a VPS with a monitor ended (kind reboot, poweroff,
	 * exit or killed; code or signal) */
	json_object *ex;
	if (live == VPS_STOPPED && st->extra && json_object_object_get_ex(st->extra, "exit", &ex))
		json_object_object_add(o, "exit", json_object_get(ex));
	return o;
}
