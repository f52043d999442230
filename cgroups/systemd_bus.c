/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The systemd driver's D-Bus calls to PID 1 with sd-bus (libsystemd):
 * StartTransientUnit of the container's scope (waited for until active),
 * SetUnitProperties for update, StopUnit + ResetFailedUnit for delete. As
 * root it talks to systemd's private socket (no dbus-daemon needed, as runc
 * does), else to the system bus. Also the one table of libsystemd's
 * functions (systemd_internal.h), loaded on first use. */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "cgroups/systemd_internal.h"

#define SD_DEST	      "org.freedesktop.systemd1"
#define SD_PATH	      "/org/freedesktop/systemd1"
#define SD_MANAGER    "org.freedesktop.systemd1.Manager"
#define SD_CALL_USEC  (30ULL * 1000000)
#define SD_WAIT_TRIES 1000 /* 20 x 1 ms, then 10 ms: ~10 s for a loaded (TCG) host */

struct cg_sdl cg_sdl;

int cg_sd_load(vps_err *err)
{
	if (cg_sdl.loaded)
		return 0;
	void *h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return vps_errorx(err, ELIBACC,
				  "--systemd-cgroup: cannot load libsystemd.so.0 (%s); install "
				  "libsystemd0",
				  dlerror());
	const char *missing = NULL;
#define SD_SYM(f)                                                                                  \
	if (!(cg_sdl.f = (__typeof__(f) *)dlsym(h, #f)))                                           \
		missing = #f;
	CG_SD_FUNCS(SD_SYM)
#undef SD_SYM
	if (missing)
		return vps_errorx(err, ELIBACC, "--systemd-cgroup: libsystemd.so.0 has no %s",
				  missing);
	cg_sdl.loaded = true;
	return 0;
}

int cg_sd_need_systemd(vps_err *err)
{
	if (access("/run/systemd/system", F_OK) == 0)
		return 0;
	char comm[64] = "?";
	FILE *f = fopen("/proc/1/comm", "re");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	return vps_errorx(err, ENOMEDIUM,
			  "--systemd-cgroup: systemd is not running on this host (no "
			  "/run/systemd/system; PID 1 is %s): cannot use systemd as the cgroup "
			  "manager; run without --systemd-cgroup",
			  comm);
}

static int bus_open(sd_bus **out, vps_err *err)
{
	sd_bus *b = NULL;
	int r = cg_sd_load(err);
	if (r < 0)
		return r;
	r = -EACCES;
	if (geteuid() == 0 && (r = cg_sdl.sd_bus_new(&b)) >= 0 &&
	    (r = cg_sdl.sd_bus_set_address(b, "unix:path=/run/systemd/private")) >= 0)
		r = cg_sdl.sd_bus_start(b);
	if (r >= 0) {
		*out = b;
		return 0;
	}
	cg_sdl.sd_bus_unref(b);
	b = NULL;
	int r2 = cg_sdl.sd_bus_open_system(&b);
	if (r2 >= 0) {
		*out = b;
		return 0;
	}
	return vps_error(err, -r2,
			 "--systemd-cgroup: connect to systemd (/run/systemd/private: %s; "
			 "system bus)",
			 strerror(-r));
}

static int append_prop(sd_bus_message *m, const struct cg_sd_prop *p)
{
	int r = cg_sdl.sd_bus_message_open_container(m, 'r', "sv");
	if (r >= 0)
		r = cg_sdl.sd_bus_message_append(m, "s", p->name);
	if (r >= 0)
		r = cg_sdl.sd_bus_message_open_container(m, 'v', p->sig);
	if (r < 0)
		return r;
	switch (p->sig[0]) {
	case 'b':
		r = cg_sdl.sd_bus_message_append(m, "b", (int)p->num);
		break;
	case 'y':
		r = cg_sdl.sd_bus_message_append(m, "y", (uint8_t)p->num);
		break;
	case 'n':
	case 'q':
		r = cg_sdl.sd_bus_message_append(m, p->sig, (uint16_t)p->num);
		break;
	case 'i':
	case 'u':
		r = cg_sdl.sd_bus_message_append(m, p->sig, (uint32_t)p->num);
		break;
	case 'd':
		r = cg_sdl.sd_bus_message_append(m, "d", p->dbl);
		break;
	case 's':
		r = cg_sdl.sd_bus_message_append(m, "s", p->str);
		break;
	case 'a':
		r = p->sig[1] == 's' ? cg_sdl.sd_bus_message_append_strv(m, p->strv)
				     : cg_sdl.sd_bus_message_append_array(m, 'y', p->bytes, p->n);
		break;
	default: /* x t */
		r = cg_sdl.sd_bus_message_append(m, p->sig, p->num);
	}
	if (r >= 0)
		r = cg_sdl.sd_bus_message_close_container(m);
	return r < 0 ? r : cg_sdl.sd_bus_message_close_container(m);
}

static int append_props(sd_bus_message *m, const struct cg_sd_props *ps)
{
	int r = 0;
	for (size_t i = 0; ps && i < ps->n && r >= 0; i++)
		r = append_prop(m, &ps->p[i]);
	return r;
}

/* vps's own properties of a new unit (runc's set), before the resources'. */
static int append_own(sd_bus_message *m, const char *unit, const char *slice, const char *desc,
		      pid_t pid)
{
	size_t l = strlen(unit);
	bool is_slice = l > 6 && strcmp(unit + l - 6, ".slice") == 0;
	int r = cg_sdl.sd_bus_message_append(m, "(sv)(sv)", "Description", "s", desc,
					     "DefaultDependencies", "b", 0);
	if (r >= 0 && is_slice)
		return cg_sdl.sd_bus_message_append(m, "(sv)", "Wants", "as", 1, slice);
	if (r >= 0)
		r = cg_sdl.sd_bus_message_append(m, "(sv)(sv)(sv)", "Slice", "s", slice, "Delegate",
						 "b", 1, "PIDs", "au", 1, (uint32_t)pid);
	return r;
}

static int manager_msg(sd_bus *b, sd_bus_message **m, const char *method)
{
	return cg_sdl.sd_bus_message_new_method_call(b, m, SD_DEST, SD_PATH, SD_MANAGER, method);
}

/* ActiveState of unit into st (malloc'ed). */
static int active_state(sd_bus *b, const char *unit, char **st)
{
	_cleanup_berr_ sd_bus_error e = SD_BUS_ERROR_NULL;
	char *path = NULL;
	int r = cg_sdl.sd_bus_path_encode(SD_PATH "/unit", unit, &path);
	if (r < 0)
		return r;
	r = cg_sdl.sd_bus_get_property_string(b, SD_DEST, path, "org.freedesktop.systemd1.Unit",
					      "ActiveState", &e, st);
	free(path);
	return r;
}

static int call(sd_bus *b, sd_bus_message *m, sd_bus_message **reply, const char *what,
		const char *unit, vps_err *err)
{
	_cleanup_berr_ sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = cg_sdl.sd_bus_call(b, m, SD_CALL_USEC, &e, reply);
	if (r >= 0)
		return 0;
	if (cg_sdl.sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit"))
		return -ENOENT;
	return vps_errorx(err, -r, "systemd %s %s: %s", what, unit,
			  e.message ? e.message : strerror(-r));
}

static int wait_active(sd_bus *b, const char *unit, vps_err *err)
{
	for (int t = 0; t < SD_WAIT_TRIES; t++) {
		char *st = NULL;
		int r = active_state(b, unit, &st);
		bool active = r >= 0 && strcmp(st, "active") == 0;
		bool failed = r >= 0 && strcmp(st, "failed") == 0;
		free(st);
		if (active)
			return 0;
		if (failed)
			return vps_errorx(err, EIO, "systemd unit %s failed to start", unit);
		cg_sleep_ms(t < 20 ? 1 : 10); /* a scope is active within ms */
	}
	return vps_errorx(err, ETIMEDOUT, "systemd unit %s: not active after %d s", unit,
			  SD_WAIT_TRIES / 100);
}

int cg_sd_start(const char *unit, const char *slice, const char *desc, pid_t pid,
		const struct cg_sd_props *props, vps_err *err)
{
	_cleanup_bus_ sd_bus *b = NULL;
	_cleanup_msg_ sd_bus_message *m = NULL, *reply = NULL;
	int r = bus_open(&b, err);
	if (r < 0)
		return r;
	if ((r = manager_msg(b, &m, "StartTransientUnit")) < 0 ||
	    (r = cg_sdl.sd_bus_message_append(m, "ss", unit, "fail")) < 0 ||
	    (r = cg_sdl.sd_bus_message_open_container(m, 'a', "(sv)")) < 0 ||
	    (r = append_own(m, unit, slice, desc, pid)) < 0 || (r = append_props(m, props)) < 0 ||
	    (r = cg_sdl.sd_bus_message_close_container(m)) < 0 ||
	    (r = cg_sdl.sd_bus_message_append(m, "a(sa(sv))", 0)) < 0)
		return vps_error(err, -r, "systemd StartTransientUnit %s: message", unit);
	if ((r = call(b, m, &reply, "StartTransientUnit", unit, err)) < 0)
		return r == -ENOENT ? vps_errorx(err, ENOENT, "systemd: no unit %s", unit) : r;
	return wait_active(b, unit, err);
}

int cg_sd_set(const char *unit, const struct cg_sd_props *props, vps_err *err)
{
	_cleanup_bus_ sd_bus *b = NULL;
	_cleanup_msg_ sd_bus_message *m = NULL, *reply = NULL;
	int r = bus_open(&b, err);
	if (r < 0 || !props || !props->n)
		return r;
	if ((r = manager_msg(b, &m, "SetUnitProperties")) < 0 ||
	    (r = cg_sdl.sd_bus_message_append(m, "sb", unit, 1)) < 0 ||
	    (r = cg_sdl.sd_bus_message_open_container(m, 'a', "(sv)")) < 0 ||
	    (r = append_props(m, props)) < 0 || (r = cg_sdl.sd_bus_message_close_container(m)) < 0)
		return vps_error(err, -r, "systemd SetUnitProperties %s: message", unit);
	r = call(b, m, &reply, "SetUnitProperties", unit, err);
	return r == -ENOENT ? vps_errorx(err, ENOENT, "systemd: no unit %s", unit) : r;
}

int cg_sd_stop(const char *unit, vps_err *err)
{
	_cleanup_bus_ sd_bus *b = NULL;
	_cleanup_msg_ sd_bus_message *m = NULL, *reply = NULL, *m2 = NULL, *reply2 = NULL;
	int r = bus_open(&b, err);
	if (r < 0)
		return r;
	if ((r = manager_msg(b, &m, "StopUnit")) < 0 ||
	    (r = cg_sdl.sd_bus_message_append(m, "ss", unit, "replace")) < 0)
		return vps_error(err, -r, "systemd StopUnit %s: message", unit);
	if ((r = call(b, m, &reply, "StopUnit", unit, err)) == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (int t = 0; t < SD_WAIT_TRIES; t++) {
		char *st = NULL;
		r = active_state(b, unit, &st);
		bool gone = r < 0 || strcmp(st, "inactive") == 0 || strcmp(st, "failed") == 0;
		free(st);
		if (gone)
			break;
		cg_sleep_ms(t < 20 ? 1 : 10); /* a scope is active within ms */
	}
	vps_err ignore;
	if (manager_msg(b, &m2, "ResetFailedUnit") >= 0 &&
	    cg_sdl.sd_bus_message_append(m2, "s", unit) >= 0)
		call(b, m2, &reply2, "ResetFailedUnit", unit, &ignore);
	return 0;
}
