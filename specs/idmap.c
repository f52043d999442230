/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Id maps of a user namespace: which host id a container id is. */
#include "specs/spec.h"

bool oci_idmap_to_host(const struct oci_idmap *m, size_t n, uint32_t id, uint32_t *host)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size) {
			*host = m[i].host_id + (id - m[i].container_id);
			return true;
		}
	return false;
}
