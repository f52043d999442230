/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Id mappings of a user namespace: as the kernel's /proc/PID/{uid,gid}_map
 * text, and which host id a container id is. */
#include <errno.h>

#include "specs/spec.h"
#include "util/fmt.h"

int oci_idmap_format(const struct oci_idmap *m, size_t n, char *buf, size_t cap)
{
	size_t off = 0;
	if (cap)
		buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w = vps_snprintf(buf + off, cap - off, "%u %u %u\n", m[i].container_id,
				     m[i].host_id, m[i].size);
		if (w < 0)
			return -E2BIG;
		off += (size_t)w;
	}
	return (int)off;
}

bool oci_idmap_to_host(const struct oci_idmap *m, size_t n, uint32_t id, uint32_t *host)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size) {
			*host = m[i].host_id + (id - m[i].container_id);
			return true;
		}
	return false;
}
