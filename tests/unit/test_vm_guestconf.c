/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps_vm_guestconf's mount records: a template VPS (a system init) gets a
 * tmpfs /run in the guest unless its spec mounts one; other bundles do not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/vm/vm.h"
#include "tap.h"

#define RUN_TMPFS "mount=/run\x1ftmpfs\x1ftmpfs\x1f"

/* the number of "mount=/run..." records of the guest configuration of json */
static int run_mounts(const char *json, bool *tmpfs)
{
	struct oci_spec *spec = NULL;
	vps_err err = {0};
	char *buf = NULL;
	size_t len = 0;
	int n = -1;
	*tmpfs = false;
	if (oci_spec_parse(json, strlen(json), &spec, &err) < 0 ||
	    vps_vm_guestconf(spec, false, false, &buf, &len, &err) < 0) {
		printf("# %s\n", err.msg);
		goto out;
	}
	n = 0;
	for (size_t off = 0; off < len; off += strlen(buf + off) + 1) {
		n += strncmp(buf + off, "mount=/run\x1f", 11) == 0;
		*tmpfs |= strncmp(buf + off, RUN_TMPFS, strlen(RUN_TMPFS)) == 0;
	}
out:
	free(buf);
	oci_spec_free(spec);
	return n;
}

#define SPEC(MOUNTS, ANN)                                                                          \
	"{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"                                \
	"\"process\":{\"args\":[\"/sbin/init\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"    \
	"\"mounts\":[" MOUNTS "],\"annotations\":{" ANN "}}"
#define PROC "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}"
#define RUN                                                                                        \
	"{\"destination\":\"/"                                                                     \
	"run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"size=1m\"]}"
#define TMPL "\"org.vps.template\":\"debian\""

int main(void)
{
	bool tmpfs;
	is_int(run_mounts(SPEC(PROC, TMPL), &tmpfs), 1, "a template VPS: one /run mount");
	ok(tmpfs, "a template VPS: /run is a tmpfs (no FIFO or socket on the 9p root)");
	is_int(run_mounts(SPEC(PROC "," RUN, TMPL), &tmpfs), 1, "its own /run: only that one");
	is_int(run_mounts(SPEC(PROC, ""), &tmpfs), 0, "a plain bundle: /run as its rootfs has it");
	done_testing();
}
