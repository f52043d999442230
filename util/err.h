/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Error objects: every fallible function returns < 0 (a negative errno) and
 * fills a caller-owned vps_err with a message naming what failed and why. */
#pragma once
#include <stddef.h>

#define VPS_ERR_MSG_MAX 1024

typedef struct vps_err {
	int code;		   /* positive errno, 0 when no error */
	char msg[VPS_ERR_MSG_MAX]; /* "what failed: why" */
} vps_err;

/* Set err to "fmt..." and, if errnum > 0, append ": strerror(errnum)".
 * Returns -errnum (or -EINVAL when errnum <= 0) so callers can
 * `return vps_error(err, errno, "open %s", path);`. */
int vps_error(vps_err *err, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Same, without appending strerror: the message is complete as given. */
int vps_errorx(vps_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix context to an error already set: "ctx: old message".
 * Returns -err->code (or -EINVAL). */
int vps_error_wrap(vps_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Forget any error. */
void vps_err_clear(vps_err *err);
