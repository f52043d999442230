/* SPDX-License-Identifier: GPL-2.0-or-later */
/* state.json: the OCI state plus what vps needs to find and signal a container
 * safely later (pid start time, cgroup, rootfs). Concern-specific data (network,
 * VM) lives under `extra`, keyed by concern ("net", "vm"), so no concern needs
 * to change this struct. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "specs/spec.h"

/* The container id grammar (runc's): [A-Za-z0-9_+.-]+, not "." or "..", at most
 * 1024 bytes (specs/id.c). */
int vps_id_validate(const char *id, vps_err *err);

enum vps_status { VPS_CREATING, VPS_CREATED, VPS_RUNNING, VPS_PAUSED, VPS_STOPPED };

struct vps_state {
	char *oci_version;
	char *id;
	enum vps_status status; /* as recorded; runtime/ derives the live status */
	pid_t pid;		/* 0 when none */
	uint64_t pid_start;	/* /proc/PID/stat starttime, guards against pid reuse */
	char *bundle;		/* absolute */
	char *rootfs;		/* absolute */
	char *created;		/* RFC 3339, UTC, nanoseconds */
	uid_t owner;
	char *cgroup_path; /* as resolved at create (driver-specific string) */
	bool systemd_cgroup;
	int exit_status; /* -1 unknown */
	struct oci_kv *annotations;
	size_t n_annotations;
	json_object *extra; /* owned; may be NULL */
};

/* JSON text <-> struct. to_json writes every field (OCI fields first). */
int vps_state_from_json(const char *json, size_t len, struct vps_state **out, vps_err *err);
char *vps_state_to_json(const struct vps_state *st); /* malloc'ed, NULL on ENOMEM */
void vps_state_free(struct vps_state *st);
const char *vps_status_name(enum vps_status s); /* "created", "running", ... */

/* The OCI state object given to hooks on stdin ({ociVersion,id,status,pid,bundle,annotations}). */
char *vps_state_oci_json(const struct vps_state *st);
