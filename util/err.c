/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int ret_code(int errnum)
{
	return errnum > 0 ? -errnum : -EINVAL;
}

static int set(vps_err *err, int errnum, int with_strerror, const char *fmt, va_list ap)
{
	if (!err)
		return ret_code(errnum);
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (n < 0)
		n = 0;
	if (with_strerror && errnum > 0 && (size_t)n < sizeof(err->msg))
		/* snprintf-ok: a message cut to fit, as vsnprintf above */
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(errnum));
	err->code = errnum > 0 ? errnum : EINVAL;
	return ret_code(errnum);
}

int vps_error(vps_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = set(err, errnum, 1, fmt, ap);
	va_end(ap);
	return r;
}

int vps_errorx(vps_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = set(err, errnum, 0, fmt, ap);
	va_end(ap);
	return r;
}

int vps_error_wrap(vps_err *err, const char *fmt, ...)
{
	if (!err)
		return -EINVAL;
	char prefix[VPS_ERR_MSG_MAX], old[VPS_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	size_t n = strnlen(prefix, sizeof(err->msg) - 1);
	memcpy(err->msg, prefix, n);
	if (n + 2 < sizeof(err->msg)) {
		memcpy(err->msg + n, ": ", 2);
		n += 2;
	}
	size_t m = strnlen(old, sizeof(err->msg) - 1 - n);
	memcpy(err->msg + n, old, m);
	err->msg[n + m] = '\0';
	if (err->code <= 0)
		err->code = EINVAL;
	return -err->code;
}

void vps_err_clear(vps_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}
