/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The inventory's store primitives, shared by runtime/inv_*.c only. */
#pragma once
#include <stdbool.h>

#include "runtime/inventory.h"

/* INVENTORY/vps as a checked directory fd (made 0700 when create); -ENOENT
 * without a message when it does not exist and !create. */
int vps_inv_open(const char *inv, bool create, vps_err *err);
/* Take the writers' lock (flock on dirfd/.lock); returns the lock fd. */
int vps_inv_lock(int dirfd, const char *inv, vps_err *err);
/* Read / replace (atomically) / remove one record in the open directory. */
int vps_inv_read_at(int dirfd, const char *inv, const char *name, struct vps_inv_entry **out,
		    vps_err *err);
int vps_inv_write_at(int dirfd, const struct vps_inv_entry *e, vps_err *err);
int vps_inv_unlink_at(int dirfd, const char *inv, const char *name, vps_err *err);

/* The bundle's config.json names this VPS (annotation org.vps.name == name):
 * what destroy checks before removing a bundle. */
bool vps_inv_bundle_is(const char *bundle, const char *name);

/* inv_disk.c: `vps set --disk` of e (size checked by the caller) and the
 * disk columns of a `vps list` row. */
int vps_inv_set_disk(const char *root, const struct vps_inv_entry *e, int64_t size,
		     unsigned *deferred, vps_err *err);
void vps_inv_disk_row(const char *root, struct vps_inv_row *row);
/* destroy: a dir-backend disk's project limit dropped (a warning if not) */
void vps_inv_disk_free(const struct vps_inv_entry *e);
