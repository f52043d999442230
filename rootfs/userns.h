/* SPDX-License-Identifier: GPL-2.0-or-later */
/* User namespaces for the VPS face: each VPS's root is an unprivileged host
 * id. `vps bundle` gives the VPS its own disjoint range of 65536 host ids
 * (idrange.c, recorded in the inventory) and writes a config.json with a user
 * namespace mapping 0..65535 onto it (template_userns.c). The rootfs keeps
 * the template's owners on disk (0..65535) and is presented through an
 * idmapped mount of the bundle's rootfs at create (runtime/create_root.c);
 * where the filesystem cannot idmap, the owners are shifted once at bundle
 * time (shift.c). `--userns host` keeps the host's root. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "specs/spec.h"
#include "util/err.h"

/* "mapped" (own user namespace and id range) or "host" (root is host root) */
#define VPS_ANN_USERNS "org.vps.userns"
/* how the rootfs gets the mapped owners: "mount" (an idmapped mount made at
 * create: the tree on disk keeps 0..65535) or "shifted" (chowned once at
 * bundle time to BASE..BASE+65535) */
#define VPS_ANN_ROOTFS_IDMAP "org.vps.rootfs.idmap"

#define VPS_IDRANGE_SIZE  65536U
#define VPS_IDRANGE_BASE  1000000U /* above the usual /etc/subuid ranges */
#define VPS_IDRANGE_COUNT 1024U	   /* ranges in the vps-owned area by default */

/* ---- the allocator (idrange.c) ----
 * INVENTORY/idranges/ holds one record per allocated range, SLOT.range
 * ("name NAME\nbundle DIR\nbase N\nsize 65536\n", written atomically), the
 * lock .lock (flock, held only while choosing), and an optional `settings`
 * file ("base N\ncount N\n") that sets the vps-owned area: ranges
 * base + n * 65536 for n < count. The whole area must not overlap a range of
 * /etc/subuid or /etc/subgid. A record whose bundle no longer exists or whose
 * config.json no longer maps root onto that base is reclaimed by the next
 * allocation; a record being made (its bundle is still being filled) is held
 * with an flock and never reclaimed. */
struct vps_idrange {
	uint32_t base; /* first host id */
	unsigned slot; /* n in base + n * 65536 */
	int lockfd;    /* the record, locked while the bundle is made; -1 */
	char *record;  /* its path (malloc'ed) */
};
/* Allocate a free range for VPS name whose bundle is DIR (absolute or not:
 * made absolute). area_base: the area's base (0: the settings file's, else
 * VPS_IDRANGE_BASE). The record stays locked until vps_idrange_done. */
int vps_idrange_alloc(const char *inventory, const char *name, const char *bundle,
		      uint32_t area_base, struct vps_idrange *out, vps_err *err);
/* The bundle is complete (keep = true: the record stays, unlocked) or was not
 * made (keep = false: the record is removed). Releases *r. */
void vps_idrange_done(struct vps_idrange *r, bool keep);
/* vps migrate's destination: the range at base (a moved bundle keeps its
 * ids) must not overlap another VPS's here (EEXIST); unless dry, record it
 * for VPS name and bundle (absolute). */
int vps_idrange_claim(const char *inventory, const char *name, const char *bundle, uint32_t base,
		      bool dry, vps_err *err);
/* Free the ranges recorded for VPS name (and bundle DIR, when not NULL): for
 * `vps destroy`. 0 when there was none. */
int vps_idrange_free(const char *inventory, const char *name, const char *bundle, vps_err *err);

/* ---- the VPS's root, as `vps list` shows it ----
 * vps_root_kind: "mapped" or "host" from the annotation (a state.json's
 * annotations are the config's), NULL without it. vps_spec_root_kind: the
 * same, and for a config without the annotation (an engine's) "mapped" when
 * it has a user namespace that does not map root to host root, else "host". */
const char *vps_root_kind(const struct oci_kv *annotations, size_t n_annotations);
const char *vps_spec_root_kind(const struct oci_spec *spec);

/* ---- the rootfs (shift.c, idmap probe) ----
 * Can the filesystem holding dir be idmapped with these maps (kernel >= 5.12
 * and a filesystem that supports it)? 1 yes, 0 no (*why says why), < 0 error. */
int vps_idmap_supported(const char *dir, uint32_t base, const char **why, vps_err *err);
/* A user namespace fd with the given maps, for MOUNT_ATTR_IDMAP (idmap.c). */
int vps_idmap_userns(const struct oci_idmap *uid, size_t n_uid, const struct oci_idmap *gid,
		     size_t n_gid, vps_err *err);
/* chown every file under dir (not following symlinks, not crossing mounts)
 * from id to base + id, keeping setuid/setgid bits. */
int vps_shift_tree(const char *dir, uint32_t base, vps_err *err);
