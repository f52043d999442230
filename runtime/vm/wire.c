/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Framing of host <-> guest messages; compiled into vps and into the guest init. */
#include "runtime/vm/wire.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/io.h"

/* 1 ok, 0 EOF before any byte, -1 error or short read (errno set, or EIO). */
static int read_msg_part(int fd, void *buf, size_t len)
{
	ssize_t r = vps_read_full(fd, buf, len);
	if (r == (ssize_t)len)
		return 1;
	if (r == 0)
		return 0;
	if (r > 0)
		errno = EIO;
	return -1;
}

int vps_vm_send(int fd, uint32_t type, const void *payload, size_t len)
{
	struct vps_vm_hdr h = {.type = type, .len = (uint32_t)len};
	int r = vps_write_all(fd, &h, sizeof(h));
	if (r == 0 && len)
		r = vps_write_all(fd, payload, len);
	if (r < 0)
		errno = -r;
	return r < 0 ? -1 : 0;
}

int vps_vm_recv(int fd, struct vps_vm_hdr *h, char **payload)
{
	*payload = NULL;
	int r = read_msg_part(fd, h, sizeof(*h));
	if (r <= 0)
		return r;
	if (h->len > VPS_VM_MAX_PAYLOAD)
		return -1;
	char *p = malloc(h->len + 1);
	if (!p)
		return -1;
	if (h->len && read_msg_part(fd, p, h->len) != 1) {
		free(p);
		return -1;
	}
	p[h->len] = '\0';
	*payload = p;
	return 1;
}
