/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A truncation-checking snprintf (LXC's strnprintf): for paths and values
 * written to the kernel, where a silently cut string would name the wrong file. */
#pragma once
#include <stddef.h>
#include <sys/types.h>

/* Format into buf (cap bytes). The length written, or -ENAMETOOLONG if it did
 * not fit (buf is then "", never a truncated prefix), -EINVAL if cap is 0, or
 * -EIO if the format failed. */
int vps_snprintf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "/proc/self/fd/N": a path naming an open fd (for open, mount, readlink). */
struct vps_fdpath {
	char s[32];
};
const char *vps_fdpath(struct vps_fdpath *p, int fd);

/* "/proc/PID/WHAT", WHAT a short constant of ours ("ns/net", "root", "stat"):
 * a path into a process's /proc directory ("" if WHAT were too long). */
struct vps_procpath {
	char s[64];
};
const char *vps_procpath(struct vps_procpath *p, pid_t pid, const char *what);
