/* SPDX-License-Identifier: GPL-2.0-or-later */
/* write-all and read-full on a file descriptor: the one copy of each loop.
 * Dependency-free (libc only): also compiled into the static VM guest init
 * (runtime/vm/vm.mk). */
#pragma once
#include <stddef.h>
#include <sys/types.h>

/* Write all len bytes, resuming after short writes and EINTR (at most
 * VPS_IO_EINTR_MAX interruptions in a row). 0, or -errno (-EIO if write
 * returned 0). A non-blocking fd that would block gives -EAGAIN. */
int vps_write_all(int fd, const void *buf, size_t len);

/* Read until len bytes or EOF, resuming after short reads and EINTR (bounded
 * as above). The count read (less than len only at EOF), or -errno. */
ssize_t vps_read_full(int fd, void *buf, size_t len);

#define VPS_IO_EINTR_MAX 1024
