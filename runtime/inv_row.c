/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One VPS as `vps list` shows it: the live status of its container, its
 * address (live, else as configured), and its settings as its next start will
 * apply them (the bundle's config.json). */
#include <stdio.h>
#include <string.h>

#include "netns/net.h"
#include "rootfs/userns.h"
#include "runtime/inv_internal.h"
#include "util/fmt.h"

static void from_config(const struct vps_inv_entry *e, struct vps_inv_row *row)
{
	struct oci_spec *spec = NULL;
	vps_err e2 = {0};
	if (oci_spec_load(e->bundle, &spec, &e2) < 0) {
		row->bad_config = true;
		return;
	}
	const struct oci_resources *res = spec->lx.has_resources ? &spec->lx.resources : NULL;
	if (res && res->memory.limit.set)
		row->memory = res->memory.limit.v;
	if (res && res->pids_limit.set)
		row->pids = res->pids_limit.v;
	if (res && res->cpu.quota.set && res->cpu.quota.v > 0) {
		row->cpu_quota = res->cpu.quota.v;
		row->cpu_period = res->cpu.period.set ? (int64_t)res->cpu.period.v : 100000;
	}
	/* fits: "mapped" or "host" */
	vps_snprintf(row->rootmode, sizeof(row->rootmode), "%s", vps_spec_root_kind(spec));
	const char *ip = oci_annotation(spec, VPS_NET_IP);
	/* an annotation too long for the column (not an address): none shown */
	if (!row->address[0] && ip &&
	    vps_snprintf(row->address, sizeof(row->address), "%s", ip) < 0)
		row->address[0] = '\0';
	oci_spec_free(spec);
}

void vps_inv_row(const char *root, const struct vps_inv_entry *e, struct vps_inv_row *row)
{
	*row = (struct vps_inv_row){.e = e, .status = VPS_STOPPED, .memory = -1, .pids = -1};
	vps_snprintf(row->rootmode, sizeof(row->rootmode), "host"); /* fits: "host" */
	struct vps_state *st = NULL;
	vps_err e2 = {0};
	if (vps_state_load(root, e->name, &st, &e2) == 0) {
		row->status = vps_status_live(root, st);
		json_object *net;
		if (row->status != VPS_STOPPED && st->extra &&
		    json_object_object_get_ex(st->extra, "net", &net))
			vps_net_address(net, row->address, sizeof(row->address));
		vps_state_free(st);
	}
	from_config(e, row);
	vps_inv_disk_row(root, row);
}
