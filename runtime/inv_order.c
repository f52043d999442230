/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The order in which `vps stop --all` and `vps restart --all` take the VPSes
 * that have a container under the state root: the registered ones in boot
 * order (stop: the reverse, so what starts first stops last), then any other
 * VPS container (org.vps.name, registered in another inventory) by id. An
 * inventory that cannot be read leaves the order by id (with a warning): a
 * shutdown still stops every VPS. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rootfs/template.h"
#include "runtime/inv_internal.h"
#include "util/cleanup.h"
#include "util/log.h"

/* A container of the VPS face (made from a vps bundle: org.vps.name). */
static bool is_vps(const char *root, const char *id)
{
	struct vps_state *st = NULL;
	vps_err e;
	bool yes = false;
	if (vps_state_load(root, id, &st, &e) < 0)
		return false;
	for (size_t i = 0; i < st->n_annotations; i++)
		yes |= strcmp(st->annotations[i].key, VPS_ANN_NAME) == 0;
	vps_state_free(st);
	return yes;
}

/* Move ids[i] (a VPS container) to *out as an entry: e's flags, or none
 * (no bundle). */
static int take(char **ids, size_t i, const struct vps_inv_entry *e, struct vps_inv_entry **out)
{
	struct vps_inv_entry *x = calloc(1, sizeof(*x));
	if (!x || (e && !(x->bundle = strdup(e->bundle)))) {
		free(x);
		return -ENOMEM;
	}
	x->name = take_ptr(ids[i]);
	if (e) {
		x->boot_order = e->boot_order;
		x->boot_delay = e->boot_delay;
		x->autostart = e->autostart;
	}
	*out = x;
	return 0;
}

static void reverse_all(struct vps_inv_entry **v, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		struct vps_inv_entry *t = v[i];
		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
}

/* The index of the VPS container named name in ids[0..n), or n. */
static size_t find(char **ids, size_t n, const char *name)
{
	size_t i = 0;
	while (i < n && (!ids[i] || strcmp(ids[i], name) != 0))
		i++;
	return i;
}

int vps_inv_containers(const char *root, const char *inv, bool reverse, struct vps_inv_entry ***out,
		       size_t *n, vps_err *err)
{
	_cleanup_strv_ char **all = NULL;
	struct vps_inv_entry **reg = NULL;
	size_t nreg = 0, nids = 0, k = 0;
	int r = vps_store_list(root, &all, err);
	if (r < 0)
		return r;
	vps_err e;
	if (vps_inv_list(inv, &reg, &nreg, &e) < 0) /* still every VPS (at shutdown) */
		log_warn("%s; taking the VPSes by name", e.msg);
	while (all[nids])
		nids++;
	/* ids: the VPS containers (by id); the others are freed with all */
	_cleanup_free_ char **ids = calloc(nids + 1, sizeof(*ids));
	struct vps_inv_entry **v = calloc(nids + 1, sizeof(*v));
	if (!ids || !v) {
		r = vps_error(err, ENOMEM, "list %s", root);
		goto out;
	}
	for (size_t i = 0; i < nids; i++)
		if (is_vps(root, all[i]))
			ids[i] = take_ptr(all[i]);
	for (size_t j = 0; j < nreg && r == 0; j++) { /* registered ones, in boot order */
		size_t i = find(ids, nids, reg[j]->name);
		if (i < nids && (r = take(ids, i, reg[j], &v[k])) == 0)
			k++;
	}
	for (size_t i = 0; i < nids && r == 0; i++) /* then the others */
		if (ids[i] && (r = take(ids, i, NULL, &v[k])) == 0)
			k++;
	if (r < 0) {
		r = vps_error(err, ENOMEM, "list %s", root);
		goto out;
	}
	if (reverse)
		reverse_all(v, k);
	*out = take_ptr(v);
	*n = k;
out:
	for (size_t i = 0; ids && i < nids; i++)
		free(ids[i]);
	vps_inv_free_all(v, k);
	vps_inv_free_all(reg, nreg);
	return r;
}
