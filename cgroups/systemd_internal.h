/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroups/'s private view of libsystemd (sd-bus), shared by the driver's calls
 * to PID 1 (systemd_bus.c) and the machined registration (systemd_machine.c):
 * the one table of its functions, filled once by cg_sd_load (libsystemd is
 * dlopen'ed: linked in, it and the libraries it needs would cost every vps
 * command ~2 ms at start), and cleanup helpers for its objects. */
#pragma once
#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "util/err.h"

#define CG_SD_FUNCS(X)                                                                             \
	X(sd_bus_new)                                                                              \
	X(sd_bus_set_address)                                                                      \
	X(sd_bus_start)                                                                            \
	X(sd_bus_unref)                                                                            \
	X(sd_bus_open_system)                                                                      \
	X(sd_bus_flush_close_unref)                                                                \
	X(sd_bus_message_unref)                                                                    \
	X(sd_bus_message_open_container)                                                           \
	X(sd_bus_message_append)                                                                   \
	X(sd_bus_message_close_container)                                                          \
	X(sd_bus_message_append_strv)                                                              \
	X(sd_bus_message_append_array)                                                             \
	X(sd_bus_message_new_method_call)                                                          \
	X(sd_bus_message_set_auto_start)                                                           \
	X(sd_bus_message_read)                                                                     \
	X(sd_bus_path_encode)                                                                      \
	X(sd_bus_get_property_string)                                                              \
	X(sd_bus_get_property_trivial)                                                             \
	X(sd_bus_call)                                                                             \
	X(sd_bus_error_free)                                                                       \
	X(sd_bus_error_has_name)

struct cg_sdl {
	bool loaded;
#define CG_SD_MEMBER(f) __typeof__(f) *f;
	CG_SD_FUNCS(CG_SD_MEMBER)
#undef CG_SD_MEMBER
};
extern struct cg_sdl cg_sdl;

/* dlopen libsystemd.so.0 and fill cg_sdl (once). */
int cg_sd_load(vps_err *err);

static inline void cg_sd_berr_free(sd_bus_error *e)
{
	if (cg_sdl.loaded)
		cg_sdl.sd_bus_error_free(e);
}
static inline void cg_sd_bus_unrefp(sd_bus **b)
{
	if (*b)
		cg_sdl.sd_bus_flush_close_unref(*b);
}
static inline void cg_sd_msg_unrefp(sd_bus_message **m)
{
	if (*m)
		cg_sdl.sd_bus_message_unref(*m);
}
#define _cleanup_bus_  __attribute__((cleanup(cg_sd_bus_unrefp)))
#define _cleanup_msg_  __attribute__((cleanup(cg_sd_msg_unrefp)))
#define _cleanup_berr_ __attribute__((cleanup(cg_sd_berr_free)))
