/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stdio of a detached VPS-face init (issues 15, 17): bundles written by
 * `vps bundle` (annotations org.vps.name / org.vps.template) never keep the
 * caller's fds, so `out=$(vps create ...)` returns at once and what the init
 * prints (boot and shutdown text) goes to ROOT/ID/console.log (0600), not to
 * the operator's terminal. Engines' runc-style bundles keep their stdio. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "rootfs/template.h"
#include "runtime/create.h"

/* Above 0-2 (a caller may run us with stdio closed): the init dup2s them there. */
static int above_stdio(int fd)
{
	if (fd < 0 || fd > 2)
		return fd;
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	int e = errno;
	close(fd);
	errno = e;
	return nfd;
}

static bool vps_face(const struct oci_spec *s)
{
	return oci_annotation(s, VPS_ANN_NAME) || oci_annotation(s, VPS_ANN_TEMPLATE);
}

int vps_create_stdio(struct cctx *c, bool detached, vps_err *err)
{
	if (!detached || !vps_face(c->spec) || c->spec->process->terminal)
		return 0;
	c->stdio[0] = above_stdio(open("/dev/null", O_RDONLY | O_CLOEXEC));
	if (c->stdio[0] < 0)
		return vps_error(err, errno, "/dev/null");
	c->stdio[1] =
	    above_stdio(openat(c->dirfd, VPS_CONSOLE_LOG,
			       O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600));
	if (c->stdio[1] < 0)
		return vps_error(err, errno, "%s/%s", c->dir, VPS_CONSOLE_LOG);
	return 0;
}
