/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bounded execv argument vector (util/argv.h). */
#include "util/argv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void vps_argv_add(struct vps_argv *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (a->failed || a->n >= VPS_ARGV_MAX || vasprintf(&s, fmt, ap) < 0)
		a->failed = true;
	else
		a->v[a->n++] = s;
	a->v[a->n] = NULL;
	va_end(ap);
}

void vps_argv_free(struct vps_argv *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
	a->v[0] = NULL;
}
