/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps migrate and the VPS network (org.vps.net.*; the host side's work is
 * netns/migrate.c). The check sends the destination the source's network
 * record with the source's state root and host network id: the destination
 * answers whether the addresses and the bridge can be had there, and
 * whether it shares the source's network (then the source hands its lease,
 * host veth name and nft tables over just before the restore). At freeze
 * the source's host veth leaves the bridge. Undoing a migration gives the
 * source its network back; once restored, the destination announces the
 * VPS's MAC on its new port. The VPS keeps its addresses and MAC: CRIU
 * restores its network namespace as it was. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns/net.h"
#include "runtime/internal.h"
#include "runtime/migrate.h"
#include "runtime/store.h"
#include "specs/bundle.h"
#include "util/cleanup.h"
#include "util/log.h"

int vps_mig_net_arg(struct mig *m, char *buf, size_t size, vps_err *err)
{
	char host[128];
	*buf = '\0';
	if (!m->net)
		return 0;
	_cleanup_free_ char *root = realpath(m->o->root, NULL);
	int r = vps_net_host_id(host, sizeof(host), err);
	if (r < 0)
		return r;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "net", json_object_get(m->net));
	json_object_object_add(o, "root", json_object_new_string(root ? root : m->o->root));
	json_object_object_add(o, "host", json_object_new_string(host));
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	r = s && strlen(s) < size ? (int)(strlen(s) + 1) : -1;
	if (r > 0)
		memcpy(buf, s, (size_t)r);
	json_object_put(o);
	return r < 0 ? vps_errorx(err, E2BIG, "the VPS's network record: too long") : 0;
}

int vps_migrate_check_net(const char *name, const char *arg, bool *handover, vps_err *err)
{
	json_object *o = json_tokener_parse(arg), *net = NULL, *root, *host;
	*handover = false;
	int r = 0;
	if (!o || !json_object_object_get_ex(o, "net", &net) ||
	    !json_object_object_get_ex(o, "root", &root) ||
	    !json_object_object_get_ex(o, "host", &host))
		r = vps_errorx(err, EINVAL, "network: expected {\"net\",\"root\",\"host\"}");
	else
		r = vps_net_migrate_check(name, net, json_object_get_string(root),
					  json_object_get_string(host), handover, err);
	json_object_put(o);
	return r;
}

int vps_mig_net_detach(struct mig *m, vps_err *err)
{
	int r = m->net ? vps_net_migrate_detach(m->net, err) : 0;
	return r < 0 ? vps_error_wrap(err, "network") : 0;
}

/* m->net into the source's state.json (what its teardown will remove) */
static int save_net(struct mig *m, vps_err *err)
{
	int dirfd = -1, lockfd = -1;
	struct vps_state *st = NULL;
	int r = vps_container_load(m->o->root, m->o->name, &dirfd, &lockfd, &st, err);
	if (r < 0)
		return r;
	if (!st->extra)
		st->extra = json_object_new_object();
	json_object_object_add(st->extra, "net", json_object_get(m->net));
	r = vps_state_save_at(dirfd, st, err);
	vps_state_free(st);
	close(dirfd);
	close(lockfd);
	return r;
}

int vps_mig_net_handover(struct mig *m, vps_err *err)
{
	if (!m->net || !m->handover)
		return 0;
	int r = vps_net_migrate_handover(m->o->root, m->o->name, m->net, err);
	int s = save_net(m, r < 0 ? &(vps_err){0} : err);
	return r < 0 || s < 0 ? vps_error_wrap(err, "network: hand over to the destination") : 0;
}

int vps_mig_net_back(struct mig *m, vps_err *err)
{
	struct oci_bundle *b = NULL;
	if (!m->net || !m->live || m->phase < MIG_FREEZE)
		return 0;
	int r = oci_bundle_open(m->e->bundle, &b, err);
	if (r == 0)
		r = vps_net_migrate_reclaim(m->o->root, m->o->name, b->spec, m->net, err);
	oci_bundle_free(b);
	int s = save_net(m, r < 0 ? &(vps_err){0} : err);
	return r < 0 || s < 0 ? vps_error_wrap(err, "its network") : 0;
}

void vps_mig_announce(const char *root, const char *name)
{
	struct vps_state *st = NULL;
	vps_err e = {0};
	json_object *net;
	if (vps_state_load(root, name, &st, &e) == 0 && st->extra &&
	    json_object_object_get_ex(st->extra, "net", &net) &&
	    vps_net_announce(st->pid, net, &e) < 0)
		log_warn("migrate %s: announcing its MAC: %s", name, e.msg);
	vps_state_free(st);
}
