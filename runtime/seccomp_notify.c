/* SCMP_ACT_NOTIFY: hand the listener fd to the agent at linux.seccomp.listenerPath
 * with the OCI containerProcessState (the container state, the pid, the
 * metadata and fds: ["seccompFd"]) over SCM_RIGHTS, as runc does. */
#include <errno.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "runtime/seccomp_internal.h"
#include "util/cleanup.h"

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
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(sc->listener_path) >= sizeof(sa.sun_path))
		return vps_errorx(err, ENAMETOOLONG, "seccomp listener %s: path too long",
				  sc->listener_path);
	strcpy(sa.sun_path, sc->listener_path);
	_cleanup_free_ char *msg = process_state(sc, state_json, err);
	if (!msg)
		return -err->code;
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return vps_error(err, errno, "seccomp listener: socket");
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return vps_error(err, errno, "seccomp listener %s: connect", sc->listener_path);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof(u));
	struct iovec iov = {.iov_base = msg, .iov_len = strlen(msg)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &listener_fd, sizeof(int));
	ssize_t n = sendmsg(s, &mh, MSG_NOSIGNAL);
	if (n < 0)
		return vps_error(err, errno, "seccomp listener %s: send", sc->listener_path);
	if ((size_t)n != iov.iov_len)
		return vps_errorx(err, EIO, "seccomp listener %s: short write", sc->listener_path);
	return 0;
}
