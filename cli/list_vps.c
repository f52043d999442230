/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VPS face's `vps list`: one row per registered VPS, running or not
 * (NAME STATE ADDRESS MEMORY CPUS ROOT AUTOSTART DISK), as a table or JSON. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/list_vps.h"
#include "util/fmt.h"

#define NCOLS 8

/* 1073741824 -> "1G", 536870912 -> "512M"; -1 -> "-" */
static const char *size_text(int64_t v, char *buf, size_t n)
{
	static const char units[] = "KMGTP";
	int u = -1;
	if (v < 0)
		return "-";
	while (u < 4 && v >= 1024 && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		vps_snprintf(buf, n, "%" PRId64, v); /* fits: a number in 32 */
	else
		/* fits: a number and a unit in 32 */
		vps_snprintf(buf, n, "%" PRId64 "%c", v, units[u]);
	return buf;
}

static double cpus(const struct vps_inv_row *r)
{
	return r->cpu_period > 0 ? (double)r->cpu_quota / (double)r->cpu_period : 0;
}

static const char *state_text(const struct vps_inv_row *r)
{
	return vps_status_name(r->status);
}

/* {"size": bytes, "used": bytes} of the VPS's own disk, null when none */
static json_object *disk_json(const struct vps_disk_use *d)
{
	json_object *o = d->has ? json_object_new_object() : NULL;
	if (o) {
		json_object_object_add(o, "size", json_object_new_uint64(d->size));
		json_object_object_add(o, "used", json_object_new_uint64(d->used));
	}
	return o;
}

/* "12M/64M": used and size, rounded to the unit of the size; "-": no disk */
static const char *disk_text(const struct vps_disk_use *d, char *buf, size_t n)
{
	static const char units[] = "KMGTP";
	if (!d->has)
		return "-";
	int u = 0;
	double div = 1024, size = (double)d->size;
	while (u < 4 && size >= div * 1024) {
		div *= 1024;
		u++;
	}
	/* fits: two short numbers in 32 */
	vps_snprintf(buf, n, "%.0f%c/%.0f%c", (double)d->used / div, units[u], size / div,
		     units[u]);
	return buf;
}

json_object *cli_vps_row_json(const struct vps_inv_row *r)
{
	json_object *o = json_object_new_object();
	if (!o)
		return NULL;
	json_object_object_add(o, "name", json_object_new_string(r->e->name));
	json_object_object_add(o, "state", json_object_new_string(state_text(r)));
	json_object_object_add(o, "address",
			       r->address[0] ? json_object_new_string(r->address) : NULL);
	json_object_object_add(o, "memory",
			       r->memory >= 0 ? json_object_new_int64(r->memory) : NULL);
	json_object_object_add(o, "cpus",
			       r->cpu_quota > 0 ? json_object_new_double(cpus(r)) : NULL);
	json_object_object_add(o, "pids", r->pids >= 0 ? json_object_new_int64(r->pids) : NULL);
	json_object_object_add(o, "disk", disk_json(&r->disk));
	json_object_object_add(o, "root", json_object_new_string(r->rootmode));
	json_object_object_add(o, "autostart", json_object_new_boolean(r->e->autostart));
	json_object_object_add(o, "bootOrder", json_object_new_int(r->e->boot_order));
	json_object_object_add(o, "bootDelay", json_object_new_int(r->e->boot_delay));
	json_object_object_add(o, "bundle", json_object_new_string(r->e->bundle));
	return o;
}

/* The cells of one row (buf holds the formatted numbers). */
static void cells(const struct vps_inv_row *r, const char *c[NCOLS], char buf[3][32])
{
	c[0] = r->e->name;
	c[1] = state_text(r);
	c[2] = r->address[0] ? r->address : "-";
	c[3] = r->bad_config ? "?" : size_text(r->memory, buf[0], sizeof(buf[0]));
	if (r->cpu_quota > 0)
		vps_snprintf(buf[1], sizeof(buf[1]), "%.3g", cpus(r)); /* fits: %.3g in 32 */
	c[4] = r->cpu_quota > 0 ? buf[1] : "-";
	c[5] = r->rootmode;
	c[6] = r->e->autostart ? "yes" : "no";
	c[7] = disk_text(&r->disk, buf[2], sizeof(buf[2]));
}

void cli_vps_table(const struct vps_inv_row *rows, size_t n)
{
	static const char *const head[NCOLS] = {"NAME", "STATE", "ADDRESS",   "MEMORY",
						"CPUS", "ROOT",	 "AUTOSTART", "DISK"};
	size_t w[NCOLS];
	const char *c[NCOLS];
	char buf[3][32];
	for (int k = 0; k < NCOLS; k++)
		w[k] = strlen(head[k]);
	for (size_t i = 0; i < n; i++) {
		cells(&rows[i], c, buf);
		for (int k = 0; k < NCOLS; k++)
			w[k] = strlen(c[k]) > w[k] ? strlen(c[k]) : w[k];
	}
	for (size_t i = 0; i <= n; i++) {
		if (i)
			cells(&rows[i - 1], c, buf);
		for (int k = 0; k < NCOLS - 1; k++)
			printf("%-*s   ", (int)w[k], i ? c[k] : head[k]);
		printf("%s\n", i ? c[NCOLS - 1] : head[NCOLS - 1]);
	}
}
