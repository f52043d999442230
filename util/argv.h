/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An argument vector for execv, built one formatted word at a time (the QEMU
 * launcher, criu). Bounded: a word past VPS_ARGV_MAX, or out of memory, marks
 * the vector failed instead of growing it; check `failed` before the exec. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define VPS_ARGV_MAX 256
struct vps_argv {
	char *v[VPS_ARGV_MAX + 1]; /* NULL-terminated after every add */
	size_t n;
	bool failed;
};
void vps_argv_add(struct vps_argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vps_argv_free(struct vps_argv *a);
