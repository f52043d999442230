/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Framing helpers (vps and the guest init (runtime/vm/proto.h messages over a socket). */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "runtime/vm/proto.h"
#include "util/err.h"

/* These return -1 with errno set (not -errno): the guest init shares them.
 * Whole writes and reads go through util/io.h (vps_write_all, vps_read_full). */
/* 0 ok, -1 error. */
int vps_vm_send(int fd, uint32_t type, const void *payload, size_t len);
/* 1 ok (*payload malloc'ed, NUL-terminated), 0 EOF, -1 error. */
int vps_vm_recv(int fd, struct vps_vm_hdr *h, char **payload);
/* Connect to DIR/NAME (a QEMU chardev socket). */
int vps_vm_connect(const char *dir, const char *name, vps_err *err);
