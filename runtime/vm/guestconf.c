/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The spec, translated for the guest init: "key=value\0" records (proto.h).
 * Bind mounts name host paths, which do not exist in the guest: they are left
 * out with a warning. cgroup (v1) mounts become cgroup2 (the guest's own). A
 * template VPS (a system init) gets a tmpfs /run unless the spec mounts one:
 * the FIFOs and sockets inits and daemons make there (sysvinit's
 * /run/initctl) cannot be used on the 9p root (QEMU refuses to open special
 * files; a socket's inode is not the same on the next lookup). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "rootfs/template.h"
#include "runtime/vm/vm.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/log.h"

struct rec {
	char *buf;
	size_t len, cap;
	bool oom;
};

static void add(struct rec *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add(struct rec *r, const char *key, const char *fmt, ...)
{
	char val[8192];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	size_t need = strlen(key) + 1 + (size_t)(n < 0 ? 0 : n) + 1;
	if (n < 0 || (size_t)n >= sizeof(val) || r->oom) {
		r->oom = true;
		return;
	}
	if (r->len + need > r->cap) {
		size_t cap = (r->cap + need) * 2;
		char *nb = realloc(r->buf, cap);
		if (!nb) {
			r->oom = true;
			return;
		}
		r->buf = nb, r->cap = cap;
	}
	r->len += (size_t)sprintf(r->buf + r->len, "%s=%s", key, val) + 1;
}

static int finish(struct rec *r, char **buf, size_t *len, vps_err *err)
{
	if (r->oom) {
		free(r->buf);
		return vps_errorx(err, ENOMEM, "vm: guest configuration too large");
	}
	*buf = r->buf;
	*len = r->len;
	return 0;
}

static void process(struct rec *r, const struct oci_process *p)
{
	for (size_t i = 0; i < p->n_args; i++)
		add(r, "arg", "%s", p->args[i]);
	for (size_t i = 0; i < p->n_env; i++)
		add(r, "env", "%s", p->env[i]);
	add(r, "cwd", "%s", p->cwd ? p->cwd : "/");
	add(r, "uid", "%u", p->user.uid);
	add(r, "gid", "%u", p->user.gid);
	for (size_t i = 0; i < p->user.n_additional_gids; i++)
		add(r, "group", "%u", p->user.additional_gids[i]);
	if (p->user.umask.set)
		add(r, "umask", "%llu", (unsigned long long)p->user.umask.v);
	add(r, "tty", "%d", p->terminal ? 1 : 0);
	add(r, "nnp", "%d", p->no_new_privileges ? 1 : 0);
	for (size_t i = 0; i < p->n_rlimits; i++)
		add(r, "rlimit", "%d:%llu:%llu", p->rlimits[i].resource,
		    (unsigned long long)p->rlimits[i].soft, (unsigned long long)p->rlimits[i].hard);
	struct winsize ws;
	if (p->terminal && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row)
		add(r, "rows", "%u", ws.ws_row), add(r, "cols", "%u", ws.ws_col);
	else if (p->has_console_size)
		add(r, "rows", "%u", p->console_height), add(r, "cols", "%u", p->console_width);
}

int vps_vm_procconf(const struct oci_process *p, char **buf, size_t *len, vps_err *err)
{
	struct rec r = {0};
	if (!p->n_args)
		return vps_errorx(err, EINVAL, "process.args: must not be empty");
	process(&r, p);
	return finish(&r, buf, len, err);
}

static bool is_bind(const struct oci_mount *m)
{
	if (m->type && strcmp(m->type, "bind") == 0)
		return true;
	for (size_t i = 0; i < m->n_options; i++)
		if (!strcmp(m->options[i], "bind") || !strcmp(m->options[i], "rbind"))
			return true;
	return false;
}

static int mounts(struct rec *r, const struct oci_spec *spec, vps_err *err)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct oci_mount *m = &spec->mounts[i];
		if (is_bind(m) || !m->type) {
			log_warn(
			    "vm: mounts[%zu] (%s): bind mounts of host paths are not available "
			    "in a VM; skipped",
			    i, m->destination);
			continue;
		}
		char opts[2048] = "";
		for (size_t j = 0; j < m->n_options; j++) {
			size_t n = strlen(opts);
			if (vps_snprintf(opts + n, sizeof(opts) - n, "%s%s", n ? "," : "",
					 m->options[j]) < 0)
				return vps_errorx(err, E2BIG,
						  "vm: mounts[%zu] (%s): options too long", i,
						  m->destination);
		}
		const char *type = strcmp(m->type, "cgroup") == 0 ? "cgroup2" : m->type;
		const char *src = m->source ? m->source : type;
		if (strchr(m->destination, '\x1f') || strchr(src, '\x1f') || strchr(opts, '\x1f'))
			return vps_errorx(err, EINVAL,
					  "mounts[%zu]: control character in the mount", i);
		add(r, "mount", "%s\x1f%s\x1f%s\x1f%s", m->destination, type, src, opts);
	}
	return 0;
}

static bool mounts_on(const struct oci_spec *spec, const char *dest)
{
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (strcmp(spec->mounts[i].destination, dest) == 0)
			return true;
	return false;
}

static void template_run(struct rec *r, const struct oci_spec *spec)
{
	if (oci_annotation(spec, VPS_ANN_TEMPLATE) && !mounts_on(spec, "/run"))
		add(r, "mount", "/run\x1ftmpfs\x1ftmpfs\x1fnosuid,nodev,mode=755");
}

int vps_vm_bootconf(const struct vps_vm_kernel *k, bool disk, char **buf, size_t *len, vps_err *err)
{
	struct rec r = {0};
	size_t n = 0;
	const char *const *mods = vps_vm_modules(k, disk, &n);
	for (size_t i = 0; i < n; i++)
		add(&r, "module", "%s", strrchr(mods[i], '/') + 1);
	return finish(&r, buf, len, err);
}

int vps_vm_guestconf(const struct oci_spec *spec, bool disk, bool debug, char **buf, size_t *len,
		     vps_err *err)
{
	struct rec r = {0};
	if (!spec->process || !spec->process->n_args)
		return vps_errorx(err, EINVAL, "config.json: .process.args: must not be empty");
	process(&r, spec->process);
	if (spec->hostname)
		add(&r, "hostname", "%s", spec->hostname);
	if (spec->domainname)
		add(&r, "domainname", "%s", spec->domainname);
	add(&r, "ro_root", "%d", spec->root_readonly ? 1 : 0);
	if (disk)
		add(&r, "root_dev", "vda");
	add(&r, "pidns", "%d", spec->has_linux && spec->lx.namespaces[OCI_NS_PID].present ? 1 : 0);
	add(&r, "debug", "%d", debug ? 1 : 0);
	int ret = mounts(&r, spec, err);
	if (ret < 0) {
		free(r.buf);
		return ret;
	}
	template_run(&r, spec);
	for (size_t i = 0; spec->has_linux && i < spec->lx.n_masked_paths; i++)
		add(&r, "masked", "%s", spec->lx.masked_paths[i]);
	for (size_t i = 0; spec->has_linux && i < spec->lx.n_readonly_paths; i++)
		add(&r, "readonly", "%s", spec->lx.readonly_paths[i]);
	return finish(&r, buf, len, err);
}
