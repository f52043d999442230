/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps_net_teardown: undo what setup recorded (or what the id implies). */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "netns/lease.h"
#include "netns/link.h"
#include "netns/net.h"
#include "netns/setup.h"
#include "util/cleanup.h"

static const char *get(json_object *x, const char *key)
{
	json_object *v;
	return x && json_object_object_get_ex(x, key, &v) ? json_object_get_string(v) : NULL;
}

/* Keep the first error, go on with the rest. */
static void keep(int r, vps_err *first, vps_err *now, int *ret)
{
	if (r < 0 && *ret == 0) {
		*ret = r;
		*first = *now;
	}
}

int vps_net_teardown(const char *root, const char *id, json_object *x, vps_err *err)
{
	vps_err e = {0};
	int ret = 0, r;
	bool had = false;
	/* without state, a lease says whether this VPS ever had networking */
	char buf[PATH_MAX];
	struct vps_lease_owner o;
	vps_lease_owner_init(&o, buf, root, id);
	_cleanup_close_ int lock = vps_lease_lock(false, &e);
	if (lock == -ENOENT && !x)
		return 0;
	keep(lock == -ENOENT ? 0 : lock, err, &e, &ret);
	if (lock >= 0) {
		struct vps_leases l;
		if ((r = vps_leases_load(&l, &e)) == 0) {
			for (size_t i = 0; i < l.n; i++)
				had |= vps_lease_owned(&l.v[i], &o);
			vps_leases_free(&l);
		}
		keep(r, err, &e, &ret);
	}
	if (!x && !had)
		return ret;

	char table[96], veth[IFNAMSIZ];
	vps_net_table_name(id, table, sizeof(table));
	vps_net_veth_name(id, veth);
	const char *t = x ? get(x, "nft_table") : table, *v = x ? get(x, "veth") : veth;
	if (t && (r = vps_nat_remove(t, &e)) < 0)
		keep(r, err, &e, &ret);
	struct vps_nl nl;
	if ((r = vps_nl_open(&nl, -1, &e)) == 0) {
		if (v && (r = vps_link_del(&nl, v)) < 0)
			keep(vps_error(&e, -r, "delete veth %s", v), err, &e, &ret);
		/* a bridge made by a create that failed goes too, if nothing else uses it */
		const char *br = get(x, "bridge");
		json_object *made;
		if (br && json_object_object_get_ex(x, "bridge_created", &made)) {
			int idx = vps_link_index(&nl, br);
			if (idx > 0 && vps_bridge_ports(&nl, idx) == 0 &&
			    (r = vps_link_del(&nl, br)) < 0)
				keep(vps_error(&e, -r, "delete bridge %s", br), err, &e, &ret);
		}
		vps_nl_close(&nl);
	}
	keep(r, err, &e, &ret);
	if (lock >= 0 && (r = vps_lease_release(&o, &had, &e)) < 0)
		keep(r, err, &e, &ret);
	return ret;
}
