/* SPDX-License-Identifier: GPL-2.0-or-later */
/* systemd-machined registration (org.freedesktop.machine1 on the system bus),
 * so that `machinectl list` shows a VPS: RegisterMachineWithNetwork, after
 * which machined finds the unit the leader is in (the VPS's own scope) and
 * drops the machine by itself when that unit goes; UnregisterMachine (never
 * TerminateMachine, which kills) beforehand, so that a VPS booting again at
 * once (a reboot) never meets its old registration. A host without machined
 * (no system bus, the name neither running nor activatable) is no error. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cgroups/cgroup.h"
#include "cgroups/systemd_internal.h"

#define MD_DEST	     "org.freedesktop.machine1"
#define MD_PATH	     "/org/freedesktop/machine1"
#define MD_MANAGER   "org.freedesktop.machine1.Manager"
#define MD_MACHINE   "org.freedesktop.machine1.Machine"
#define MD_CALL_USEC (10ULL * 1000000) /* activating machined takes well under that */

/* Errors meaning "no machined here": nobody owns the name and D-Bus cannot
 * start it (not installed, masked, or failing to start). */
static bool absent(const sd_bus_error *e)
{
	static const char *const names[] = {"org.freedesktop.DBus.Error.ServiceUnknown",
					    "org.freedesktop.DBus.Error.NameHasNoOwner",
					    "org.freedesktop.systemd1.NoSuchUnit",
					    "org.freedesktop.systemd1.UnitMasked"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (cg_sdl.sd_bus_error_has_name(e, names[i]))
			return true;
	return e->name && strncmp(e->name, "org.freedesktop.DBus.Error.Spawn.", 33) == 0;
}

/* The system bus (dbus-daemon), not PID 1's private socket: machined is a
 * service on it. 0, or 1 with *why when there is none. */
static int bus_system(sd_bus **b, vps_err *why)
{
	int r = cg_sd_load(why);
	if (r < 0)
		return r;
	if ((r = cg_sdl.sd_bus_open_system(b)) < 0) {
		vps_error(why, -r, "systemd-machined: no system bus");
		return 1;
	}
	return 0;
}

static int register_msg(sd_bus *b, sd_bus_message **m, const struct vps_machine *mc)
{
	int r = cg_sdl.sd_bus_message_new_method_call(b, m, MD_DEST, MD_PATH, MD_MANAGER,
						      "RegisterMachineWithNetwork");
	if (r >= 0)
		r = cg_sdl.sd_bus_message_append(*m, "s", mc->name);
	if (r >= 0) /* no machine id: machined has none then, as for nspawn's --machine */
		r = cg_sdl.sd_bus_message_append_array(*m, 'y', NULL, 0);
	if (r >= 0)
		r = cg_sdl.sd_bus_message_append(*m, "ssus", mc->service, mc->class,
						 (uint32_t)mc->leader,
						 mc->root_directory ? mc->root_directory : "");
	if (r >= 0)
		r = cg_sdl.sd_bus_message_append_array(*m, 'i', mc->ifindices,
						       mc->n_ifindices * sizeof(int));
	return r;
}

int vps_cgroup_machine_register(const struct vps_machine *mc, vps_err *err)
{
	_cleanup_bus_ sd_bus *b = NULL;
	_cleanup_msg_ sd_bus_message *m = NULL, *reply = NULL;
	_cleanup_berr_ sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = bus_system(&b, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	if ((r = register_msg(b, &m, mc)) < 0)
		return vps_error(err, -r, "systemd-machined: RegisterMachine %s: message",
				 mc->name);
	r = cg_sdl.sd_bus_call(b, m, MD_CALL_USEC, &e, &reply);
	if (r >= 0)
		return 1;
	const char *msg = e.message ? e.message : strerror(-r);
	if (absent(&e)) {
		vps_errorx(err, -r, "systemd-machined is not available: %s", msg);
		return 0;
	}
	if (cg_sdl.sd_bus_error_has_name(&e, "org.freedesktop.DBus.Error.InvalidArgs") &&
	    strstr(msg, "machine name"))
		return vps_errorx(err, EINVAL,
				  "systemd-machined refuses the name %s (%s: a machine name is a "
				  "host name: letters, digits, '-' and '.', at most 64)",
				  mc->name, msg);
	return vps_errorx(err, -r, "systemd-machined: RegisterMachine %s: %s", mc->name, msg);
}

/* The leader of machine name; 0 with *leader 0 when machined (running: it is
 * never started for this) has no such machine. */
static int machine_leader(sd_bus *b, const char *name, uint32_t *leader, vps_err *err)
{
	_cleanup_msg_ sd_bus_message *m = NULL, *reply = NULL;
	_cleanup_berr_ sd_bus_error e = SD_BUS_ERROR_NULL, e2 = SD_BUS_ERROR_NULL;
	const char *path = NULL;
	*leader = 0;
	int r = cg_sdl.sd_bus_message_new_method_call(b, &m, MD_DEST, MD_PATH, MD_MANAGER,
						      "GetMachine");
	if (r >= 0 && (r = cg_sdl.sd_bus_message_set_auto_start(m, 0)) >= 0)
		r = cg_sdl.sd_bus_message_append(m, "s", name);
	if (r < 0)
		return vps_error(err, -r, "systemd-machined: GetMachine %s: message", name);
	if ((r = cg_sdl.sd_bus_call(b, m, MD_CALL_USEC, &e, &reply)) < 0) {
		if (absent(&e) ||
		    cg_sdl.sd_bus_error_has_name(&e, "org.freedesktop.machine1.NoSuchMachine"))
			return 0;
		return vps_errorx(err, -r, "systemd-machined: GetMachine %s: %s", name,
				  e.message ? e.message : strerror(-r));
	}
	if ((r = cg_sdl.sd_bus_message_read(reply, "o", &path)) < 0 ||
	    (r = cg_sdl.sd_bus_get_property_trivial(b, MD_DEST, path, MD_MACHINE, "Leader", &e2,
						    'u', leader)) < 0)
		return vps_errorx(err, -r, "systemd-machined: machine %s: its leader: %s", name,
				  e2.message ? e2.message : strerror(-r));
	return 0;
}

int vps_cgroup_machine_unregister(const char *name, pid_t leader, vps_err *err)
{
	_cleanup_bus_ sd_bus *b = NULL;
	_cleanup_msg_ sd_bus_message *m = NULL, *reply = NULL;
	_cleanup_berr_ sd_bus_error e = SD_BUS_ERROR_NULL;
	uint32_t has = 0;
	vps_err why;
	int r = bus_system(&b, &why);
	if (r != 0)
		return r > 0 ? 0 : vps_errorx(err, -r, "%s", why.msg);
	if ((r = machine_leader(b, name, &has, err)) < 0 || has == 0 || has != (uint32_t)leader)
		return r; /* none, or another's machine of that name */
	r = cg_sdl.sd_bus_message_new_method_call(b, &m, MD_DEST, MD_PATH, MD_MANAGER,
						  "UnregisterMachine");
	if (r >= 0)
		r = cg_sdl.sd_bus_message_append(m, "s", name);
	if (r < 0)
		return vps_error(err, -r, "systemd-machined: UnregisterMachine %s: message", name);
	if ((r = cg_sdl.sd_bus_call(b, m, MD_CALL_USEC, &e, &reply)) < 0 &&
	    !cg_sdl.sd_bus_error_has_name(&e, "org.freedesktop.machine1.NoSuchMachine"))
		return vps_errorx(err, -r, "systemd-machined: UnregisterMachine %s: %s", name,
				  e.message ? e.message : strerror(-r));
	return 0;
}
