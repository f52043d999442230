/* Framing of host <-> guest messages; compiled into vps and into the guest init. */
#include "runtime/vm/wire.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int vps_vm_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int vps_vm_read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t r = read(fd, p + got, len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 && got == 0 ? 0 : -1;
		got += (size_t)r;
	}
	return 1;
}

int vps_vm_send(int fd, uint32_t type, const void *payload, size_t len)
{
	struct vps_vm_hdr h = {.type = type, .len = (uint32_t)len};
	if (vps_vm_write_all(fd, &h, sizeof(h)) < 0)
		return -1;
	return len ? vps_vm_write_all(fd, payload, len) : 0;
}

int vps_vm_recv(int fd, struct vps_vm_hdr *h, char **payload)
{
	*payload = NULL;
	int r = vps_vm_read_full(fd, h, sizeof(*h));
	if (r <= 0)
		return r;
	if (h->len > VPS_VM_MAX_PAYLOAD)
		return -1;
	char *p = malloc(h->len + 1);
	if (!p)
		return -1;
	if (h->len && vps_vm_read_full(fd, p, h->len) != 1) {
		free(p);
		return -1;
	}
	p[h->len] = '\0';
	*payload = p;
	return 1;
}
