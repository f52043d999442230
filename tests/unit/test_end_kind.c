/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps_init_end_kind and vps_end_kind_of_status: how a VPS's init ended. */
#include <signal.h>
#include <string.h>

#include "runtime/runtime.h"
#include "tap.h"

/* A wait status as the kernel builds it (the macros only decode). */
static int exited(int code)
{
	return (code & 0xff) << 8;
}
static int killed(int sig)
{
	return sig & 0x7f;
}

int main(void)
{
	is_int(vps_init_end_kind(-1), VPS_END_RUNNING, "no status: running");
	is_int(vps_init_end_kind(killed(SIGINT)), VPS_END_POWEROFF, "SIGINT: poweroff/halt");
	is_int(vps_init_end_kind(killed(SIGHUP)), VPS_END_REBOOT, "SIGHUP: reboot");
	is_int(vps_init_end_kind(exited(0)), VPS_END_EXIT, "exit 0: exit");
	is_int(vps_init_end_kind(exited(130)), VPS_END_EXIT, "exit 130 is an exit, not a poweroff");
	is_int(vps_init_end_kind(killed(SIGKILL)), VPS_END_KILLED, "SIGKILL: killed");
	is_int(vps_init_end_kind(killed(SIGTERM)), VPS_END_KILLED, "SIGTERM: killed");
	is_int(vps_end_kind_of_status(-1), VPS_END_RUNNING, "state without a status: running");
	is_int(vps_end_kind_of_status(130), VPS_END_POWEROFF, "130: poweroff");
	is_int(vps_end_kind_of_status(129), VPS_END_REBOOT, "129: reboot");
	is_int(vps_end_kind_of_status(137), VPS_END_KILLED, "137: killed");
	is_int(vps_end_kind_of_status(0), VPS_END_EXIT, "0: exit");
	is_str(vps_end_kind_name(VPS_END_POWEROFF), "poweroff", "name poweroff");
	is_str(vps_end_kind_name(VPS_END_REBOOT), "reboot", "name reboot");
	is_str(vps_end_kind_name((enum vps_end_kind)99), "unknown", "out of range: unknown");
	return done_testing();
}
