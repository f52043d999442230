/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VPS face's persistent objects (issue 16): the inventory under --inventory
 * (default /var/lib/vps) keeps one record per VPS, INVENTORY/vps/NAME.json:
 * its name, its bundle (absolute) and its boot flags. The VPS's settings
 * (limits, address) stay in the one place a start reads them, the bundle's
 * config.json; `vps set` edits them there. Records are replaced atomically
 * (util/fileio.c) and every writer holds INVENTORY/vps/.lock (flock), so two
 * bundles of one name never both register. runtime/'s second public header,
 * next to runtime.h: the verbs below are what cli/ calls for the VPS face. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/runtime.h"
#include "util/err.h"

struct vps_bundle_opts; /* rootfs/template.h */

/* The most a VPS may wait before the next one starts (--boot-delay). */
#define VPS_BOOT_DELAY_MAX 3600

struct vps_inv_entry {
	char *name;
	char *bundle; /* absolute */
	bool autostart;
	int boot_order; /* lower starts first; ties by name */
	int boot_delay; /* seconds to wait after starting it, before the next */
};

/* NAME's record: ENOENT "VPS NAME is not registered (inventory DIR)". */
int vps_inv_load(const char *inv, const char *name, struct vps_inv_entry **out, vps_err *err);
/* Every record, in boot order (then name); *n entries, malloc'ed array. An
 * inventory that does not exist yet is empty. */
int vps_inv_list(const char *inv, struct vps_inv_entry ***out, size_t *n, vps_err *err);
void vps_inv_free(struct vps_inv_entry *e);
void vps_inv_free_all(struct vps_inv_entry **v, size_t n);

/* Register NAME for bundle (made absolute). Refused with EEXIST when NAME is
 * registered for another bundle; a record for this same bundle is kept as is
 * (*added false). */
int vps_inv_register(const char *inv, const char *name, const char *bundle, bool *added,
		     vps_err *err);
/* Refuse (EEXIST) when NAME is registered for a bundle other than bundle
 * (NULL: any). No lock, no write: the early check of `vps bundle`. */
int vps_inv_check_name(const char *inv, const char *name, const char *bundle, vps_err *err);
/* Remove NAME's record (ENOENT is success). */
int vps_inv_unregister(const char *inv, const char *name, vps_err *err);

/* `vps bundle`: make the bundle (rootfs/template.h) and register o->name, all
 * or nothing: a name already taken fails before anything is made, and the
 * loser of a race of two bundles of one name has its bundle removed again. */
int vps_inv_bundle(const char *inv, const struct vps_bundle_opts *o, vps_err *err);
/* `vps create`/`run` of a VPS-face bundle (annotation org.vps.name): register
 * it (inv NULL: nothing). bundle is the absolute bundle dir. */
int vps_inv_claim(const char *inv, const struct oci_spec *spec, const char *bundle, vps_err *err);

/* `vps destroy NAME`: delete the container (refused while it runs unless
 * force), free its id range, remove the bundle (unless keep_data; only a
 * bundle whose config.json still names NAME), then the record. */
int vps_inv_destroy(const char *root, const char *inv, const char *name, bool keep_data, bool force,
		    vps_err *err);

/* `vps start NAME` of a registered VPS: start a created one, create and start
 * a stopped (or never started) one from its bundle. *was: its status before
 * (VPS_RUNNING/PAUSED: nothing done, returns 0). */
int vps_inv_start(const char *root, const char *inv, const char *name, enum vps_status *was,
		  vps_err *err);

/* The VPSes with a container under root (stop --all, restart --all): those
 * registered in inv in boot order, then other VPS containers (org.vps.name)
 * by id, each as an entry whose name is the container id (with the record's
 * flags; the others: no bundle, no flags); reverse: the whole list backwards. */
int vps_inv_containers(const char *root, const char *inv, bool reverse, struct vps_inv_entry ***out,
		       size_t *n, vps_err *err);

/* `vps set NAME`: what to change (has_*: given). */
struct vps_set_opts {
	bool has_memory, has_cpus, has_pids, has_ip, has_autostart, has_boot_order, has_boot_delay;
	bool has_disk;
	int64_t disk;	   /* bytes of the VPS's disk (vps bundle --disk) */
	int64_t memory;	   /* bytes, -1: none */
	int64_t cpu_quota; /* us per 100000 us, 0: none */
	int64_t pids;	   /* -1: none */
	const char *ip;	   /* org.vps.net.ip: ADDR/LEN or auto */
	bool autostart;
	int boot_order, boot_delay;
};
/* What set could not apply to the running VPS (applies at its next start). */
#define VPS_SET_DEFERRED_IP 1u
/* --disk: the image grew, its filesystem grows at the next start because
 * growing a mounted ext4 needs CAP_SYS_RESOURCE (_CAP), or because a running
 * VM's virtio-blk disk keeps its size (_VM). */
#define VPS_SET_DEFERRED_DISK_CAP 2u
#define VPS_SET_DEFERRED_DISK_VM  4u
/* Validate everything first (a bad value changes nothing), apply the limits
 * live when the VPS is created, running or paused (vps_update), then write
 * config.json (only the changed values' bytes) and the record. *deferred:
 * VPS_SET_DEFERRED_* bits. */
int vps_inv_set(const char *root, const char *inv, const char *name, const struct vps_set_opts *o,
		unsigned *deferred, vps_err *err);

/* One row of `vps list`: the VPS's live status and settings from config.json. */
struct vps_inv_row {
	const struct vps_inv_entry *e;
	enum vps_status status;	       /* VPS_STOPPED when no container runs */
	char address[160];	       /* live, else the configured org.vps.net.ip, else "" */
	int64_t memory;		       /* bytes, -1: none */
	int64_t cpu_quota, cpu_period; /* quota 0: none */
	int64_t pids;		       /* -1: none */
	char rootmode[8];	       /* "mapped" or "host" (vps_spec_root_kind) */
	bool bad_config;	       /* config.json unreadable: settings unknown */
	struct vps_disk_use disk;      /* its own disk's size and use (has: one) */
};
/* The row of e (never fails: what cannot be read shows as unknown). */
void vps_inv_row(const char *root, const struct vps_inv_entry *e, struct vps_inv_row *row);

/* `vps migrate NAME [DEST]` (runtime/migrate*.c): move a VPS, its bundle and
 * its record to another host (DEST, [user@]host over ssh, running `vps` there
 * through that connection) or another state root and inventory on this
 * machine (dest NULL). */
struct vps_migrate_opts {
	const char *root, *inventory, *name;
	const char *dest;		    /* [user@]host, NULL: this machine */
	const char *to_root, *to_inventory; /* the destination's (NULL: its defaults) */
	const char *to_bundle;		    /* the bundle's path there (NULL: the same) */
	const char *rsh;		    /* the ssh command, words (NULL: "ssh") */
	const char *to_vps;		    /* vps on the far side (NULL: "vps" / this one) */
	const char *criu;		    /* --criu, here and there */
	const char *version;		    /* ours: the destination's must be the same */
	bool offline;			    /* stop, copy, start (else CRIU) */
	bool progress;			    /* phases and bytes on stderr */
};
struct vps_migrate_result {
	long downtime_ms; /* freeze (or stop) here to running there */
	long total_ms;
	long dump_ms, copy_ms, restore_ms; /* where the downtime went */
	uint64_t bytes;			   /* copied (rsync's bytes sent) */
	bool vm; /* QEMU's migration: dump_ms is the RAM sent, restore_ms the run there */
};
int vps_migrate(const struct vps_migrate_opts *o, struct vps_migrate_result *res, vps_err *err);

/* The destination's side (`vps migrate-recv`, run by the source's vps):
 * check: NAME free in the inventory and the state root, bundle free, need
 * bytes free under it, with live a working criu, the host ids from idbase (a
 * mapped VPS's range) free; the bundle dir is made and
 * marked as the migration's. receive: register NAME for bundle (flags as
 * given; how "prepare": only that, before the freeze) and (how) "restore" it
 * from bundle's images, "start" it, or "register" only (a stopped VPS), its
 * id range recorded; then received: the images and the mark go (after the
 * far side said it runs: out of the downtime). abort: remove what
 * check/receive made (only a marked bundle). */
int vps_migrate_check(const char *root, const char *inv, const char *criu, const char *name,
		      const char *bundle, uint64_t need, bool live, uint32_t idbase, vps_err *err);
/* check's network part, before vps_migrate_check: net is the source's
 * network record as vps migrate sends it ({"net","root","host"}): the
 * bridge, addresses and ports can be had here (netns/net.h
 * vps_net_migrate_check); *handover: this host shares the source's network,
 * whose lease the source hands over before the restore. */
int vps_migrate_check_net(const char *name, const char *net, bool *handover, vps_err *err);
/* The first host id a bundle's user namespace maps root onto (0: none). */
uint32_t vps_migrate_idbase(const struct oci_spec *spec);
int vps_migrate_receive(const char *root, const char *inv, const char *criu,
			const struct vps_inv_entry *e, const char *how, vps_err *err);
void vps_migrate_received(const char *bundle);
/* what migrate-recv receive prints once the VPS runs there (or is registered) */
#define VPS_MIGRATE_RECEIVED "received"
int vps_migrate_abort(const char *root, const char *inv, const char *name, const char *bundle,
		      vps_err *err);
/* vm-listen (a --vm VPS, after check): create NAME from the marked bundle
 * with a QEMU that reads the source's state from our stdin; loaded: wait
 * (bounded) until it has all of it (failed: the container is deleted, the
 * bundle and record left to abort). */
int vps_migrate_vm_listen(const char *root, const char *name, const char *bundle, vps_err *err);
int vps_migrate_vm_loaded(const char *root, const char *name, vps_err *err);
