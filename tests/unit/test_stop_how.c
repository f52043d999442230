/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps_stop_how: the stop signal and the wait before SIGKILL, by annotation. */
#include <signal.h>
#include <string.h>

#include "runtime/stop.h"
#include "tap.h"

/* how a VPS with these annotations (key, value, ...; NULL-terminated) stops */
static struct vps_stop_how how_of(const char *const *kv)
{
	struct oci_kv a[4];
	size_t n = 0;
	for (; kv[2 * n]; n++)
		a[n] = (struct oci_kv){.key = (char *)kv[2 * n], .value = (char *)kv[2 * n + 1]};
	struct vps_state st = {.annotations = a, .n_annotations = n};
	struct vps_stop_how h = {0};
	vps_err err = {0};
	if (vps_stop_how(&st, &h, &err) < 0)
		h.sig = -1;
	return h;
}

int main(void)
{
	struct vps_stop_how h;
	h = how_of((const char *const[]){NULL});
	is_int(h.sig, SIGTERM, "no annotation: SIGTERM");
	is_int(h.timeout_s, 10, "no annotation: 10 s");
	h = how_of((const char *const[]){"org.vps.template", "debian", NULL});
	ok(h.initctl, "debian without a stop signal: a runlevel 0 request");
	is_int(h.timeout_s, 30, "debian (sysvinit): 30 s");
	/* the sysvinit template's own bundle: SIGINT runs its ctrlaltdel line, rc 0 */
	h = how_of((const char *const[]){"org.vps.template", "debian",
					 "org.opencontainers.image.stopSignal", "SIGINT", NULL});
	is_int(h.sig, SIGINT, "debian with stopSignal SIGINT: SIGINT");
	is_int(h.timeout_s, 30, "debian with SIGINT: 30 s, rc 0 stops every service");
	h = how_of((const char *const[]){"org.vps.template", "debian", "org.vps.init", "systemd",
					 "org.opencontainers.image.stopSignal", "SIGRTMIN+4",
					 NULL});
	is_int(h.sig, SIGRTMIN + 4, "systemd template: SIGRTMIN+4");
	is_int(h.timeout_s, 30, "systemd: 30 s");
	h = how_of((const char *const[]){"org.vps.template", "busybox", NULL});
	is_int(h.sig, SIGUSR2, "busybox: SIGUSR2");
	is_int(h.timeout_s, 10, "busybox: 10 s");
	done_testing();
}
