/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Handing an fd to another program over a unix socket (SCM_RIGHTS), as the
 * OCI console socket and the seccomp listener protocols do. */
#pragma once
#include <stddef.h>

#include "util/err.h"

/* Connect to the SOCK_STREAM socket at PATH and send BUF (LEN bytes, all of
 * it) with FD attached. WHAT names the socket in errors ("--console-socket",
 * "seccomp listener"). */
int vps_send_fd_to(const char *path, const void *buf, size_t len, int fd, const char *what,
		   vps_err *err);
