/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SCMP_ACT_NOTIFY: hand the listener fd to the agent at linux.seccomp.listenerPath
 * with the OCI containerProcessState (the container state, the pid, the
 * metadata and fds: ["seccompFd"]) over SCM_RIGHTS, as runc does. */
#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "runtime/seccomp_internal.h"
#include "util/cleanup.h"
#include "util/sendfd.h"

static char *process_state(const struct oci_seccomp *sc, const char *state_json, vps_err *err)
{
	json_object *st = json_tokener_parse(state_json);
	if (!st || !json_object_is_type(st, json_type_object)) {
		json_object_put(st);
		vps_errorx(err, EINVAL,
			   "seccomp listener: the container state is not a JSON object");
		return NULL;
	}
	json_object *o = json_object_new_object(), *fds = json_object_new_array(), *v = NULL;
	json_object_object_add(o, "ociVersion",
			       json_object_object_get_ex(st, "ociVersion", &v)
				   ? json_object_get(v)
				   : json_object_new_string("1.2.0"));
	json_object_array_add(fds, json_object_new_string("seccompFd"));
	json_object_object_add(o, "fds", fds);
	json_object_object_add(o, "pid",
			       json_object_object_get_ex(st, "pid", &v) ? json_object_get(v)
									: json_object_new_int(0));
	json_object_object_add(
	    o, "metadata",
	    json_object_new_string(sc->listener_metadata ? sc->listener_metadata : ""));
	json_object_object_add(o, "state", st);
	char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	if (!s)
		vps_error(err, ENOMEM, "seccomp listener");
	return s;
}

int vps_seccomp_send_listener(const struct oci_seccomp *sc, int listener_fd, const char *state_json,
			      vps_err *err)
{
	if (!sc->listener_path)
		return vps_errorx(err, EINVAL, "seccomp: SCMP_ACT_NOTIFY needs a listenerPath");
	_cleanup_free_ char *msg = process_state(sc, state_json, err);
	if (!msg)
		return -err->code;
	return vps_send_fd_to(sc->listener_path, msg, strlen(msg), listener_fd, "seccomp listener",
			      err);
}
