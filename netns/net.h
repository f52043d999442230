/* VPS networking: a host bridge, a veth pair per VPS, addresses, routes, NAT and
 * published ports, configured from org.vps.net.* annotations in the bundle.
 * The runtime calls setup after the container init exists (its netns is known)
 * and before `start`, and teardown on delete or a failed create. */
#pragma once
#include <json-c/json.h>
#include <sys/types.h>

#include "specs/spec.h"
#include "util/err.h"

/* No-op (returns 0, *extra = NULL) when the spec has no org.vps.net.* annotations.
 * *extra receives what teardown needs (it goes into state.json's extra["net"]). */
int vps_net_setup(const char *state_root, const char *id, const struct oci_spec *spec,
		  pid_t init_pid, json_object **extra, vps_err *err);
/* Undo everything setup did (idempotent; extra may be NULL). */
int vps_net_teardown(const char *state_root, const char *id, json_object *extra, vps_err *err);
