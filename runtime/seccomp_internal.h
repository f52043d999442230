/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals of runtime/seccomp*.c. */
#pragma once
#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "runtime/seccomp.h"

struct vps_seccomp {
	struct sock_filter *insns;
	size_t n_insns;
	unsigned flags; /* SECCOMP_FILTER_FLAG_* from the profile */
	bool notify;	/* some rule (or the default) is SCMP_ACT_NOTIFY */
};

/* seccomp_enosys.c: put the ENOSYS stub for syscalls unknown to libseccomp in
 * front of s's program (compiled from ctx). */
int vps_seccomp_enosys(void *ctx, struct vps_seccomp *s, vps_err *err);

/* A growable text buffer (the canonical form of a profile: the cache key). */
struct vps_buf {
	char *s;
	size_t len, cap;
};
int vps_buf_printf(struct vps_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* seccomp_cache.c: the canonical text of a profile (with the libseccomp version
 * and the native arch), and the BPF cache keyed by it. */
int vps_seccomp_key(const struct oci_seccomp *sc, unsigned flags, struct vps_buf *key,
		    vps_err *err);
/* 1: loaded into *s, 0: not cached (or unusable: logged), < 0: error. */
int vps_seccomp_cache_load(const char *dir, const struct vps_buf *key, struct vps_seccomp *s,
			   vps_err *err);
/* Best effort: a failure is logged, never fatal. */
void vps_seccomp_cache_store(const char *dir, const struct vps_buf *key,
			     const struct vps_seccomp *s);
