/* Framing helpers (vps and the guest init (runtime/vm/proto.h messages over a socket). */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "runtime/vm/proto.h"
#include "util/err.h"

int vps_vm_write_all(int fd, const void *buf, size_t len);
/* 1 ok, 0 EOF before any byte, -1 error or short read. */
int vps_vm_read_full(int fd, void *buf, size_t len);
int vps_vm_send(int fd, uint32_t type, const void *payload, size_t len);
/* 1 ok (*payload malloc'ed, NUL-terminated), 0 EOF, -1 error. */
int vps_vm_recv(int fd, struct vps_vm_hdr *h, char **payload);
/* Connect to DIR/NAME (a QEMU chardev socket). */
int vps_vm_connect(const char *dir, const char *name, vps_err *err);
