/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps_net_setup / vps_net_teardown: the order of the steps and their undoing.
 * Every step records what it made in the extra object before the next starts,
 * so a failure at any point is undone by teardown of that same object. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "netns/lease.h"
#include "netns/link.h"
#include "netns/net.h"
#include "netns/setup.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/log.h"

/* Fault injection for the tests: VPS_NET_FAIL_AFTER=STEP makes setup fail right
 * after STEP (bridge, lease, veth, addr, route, nat, etc) succeeded;
 * VPS_NET_CRASH_AFTER=STEP kills the vps process there (SIGKILL), as a crash
 * would, so the tests can check that `delete --force` still cleans up. */
int vps_net_fail_after(const char *step, vps_err *err)
{
	const char *k = getenv("VPS_NET_CRASH_AFTER");
	if (k && strcmp(k, step) == 0)
		raise(SIGKILL);
	const char *f = getenv("VPS_NET_FAIL_AFTER");
	if (f && strcmp(f, step) == 0)
		return vps_errorx(err, EIO, "injected failure after step %s (VPS_NET_FAIL_AFTER)",
				  step);
	return 0;
}

void vps_net_put_str(json_object *x, const char *key, const char *val)
{
	json_object_object_add(x, key, json_object_new_string(val));
}

static void put_ip(json_object *x, const char *key, const struct vps_ip *ip)
{
	char a[VPS_IP_STRLEN];
	vps_net_put_str(x, key, vps_ip_str(ip, true, a));
}

int vps_net_validate(const struct oci_spec *spec, vps_err *err)
{
	struct vps_net_cfg cfg;
	int r = vps_net_config(spec, &cfg, err);
	if (r < 0 || !cfg.enabled)
		return r;
	const struct oci_namespace *ns = &spec->lx.namespaces[OCI_NS_NETWORK];
	if (!spec->has_linux || !ns->present || ns->path)
		return vps_errorx(err, EINVAL,
				  VPS_NET_IP
				  " needs a new network namespace "
				  "(.linux.namespaces: {\"type\": \"network\"} without a path)");
	return 0;
}

int vps_net_host_side(const struct vps_lease_owner *o, struct vps_net_cfg *c, struct vps_nl *nl,
		      json_object *x, int *br_index, vps_err *err)
{
	_cleanup_close_ int lock = vps_lease_lock(true, err);
	if (lock < 0)
		return lock;
	bool created;
	int r = vps_net_bridge_check(nl, c, err);
	if (r < 0)
		return r;
	r = *br_index = vps_bridge_ensure(nl, c->bridge, c->mtu, &created);
	if (r == -EMEDIUMTYPE)
		return vps_errorx(err, EEXIST, "%s exists and is not a bridge", c->bridge);
	if (r < 0)
		return vps_error(err, -r, "create bridge %s", c->bridge);
	vps_net_put_str(x, "bridge", c->bridge);
	if (created)
		json_object_object_add(x, "bridge_created", json_object_new_boolean(1));
	if ((r = vps_addr_add(nl, *br_index, &c->gw, true)) < 0 ||
	    (c->ip6.family || c->ip6_auto ? (r = vps_addr_add(nl, *br_index, &c->gw6, true)) : 0) <
		0 ||
	    (r = vps_link_set(nl, *br_index, true, 0, 0)) < 0)
		return vps_error(err, -r, "configure bridge %s", c->bridge);
	if ((r = vps_net_fail_after("bridge", err)) < 0)
		return r;
	if ((r = vps_lease_take(o, c, err)) < 0)
		return vps_error_wrap(err, "lease on %s", c->bridge);
	put_ip(x, "ip", &c->ip);
	put_ip(x, "gateway", &c->gw);
	if (c->ip6.family) {
		put_ip(x, "ip6", &c->ip6);
		put_ip(x, "gateway6", &c->gw6);
	}
	return vps_net_fail_after("lease", err);
}

/* Inside the VPS: eth0 up, addresses, default routes (lo is up already: the
 * init brings it up in the netns it made, vps_net_loopback_up). */
static int vps_side(int nsfd, const struct vps_net_cfg *c, const struct oci_linux *lx, vps_err *err)
{
	char ping[32];
	struct vps_nl nl;
	int r = vps_nl_open(&nl, nsfd, err);
	if (r < 0)
		return r;
	const char *what = VPS_NET_IFNAME;
	int eth0 = vps_link_index(&nl, VPS_NET_IFNAME);
	if ((r = eth0) < 0 || (r = vps_link_set(&nl, eth0, true, 0, 0)) < 0)
		goto out;
	what = "addresses";
	if ((r = vps_addr_add(&nl, eth0, &c->ip, false)) < 0 ||
	    (c->ip6.family && (r = vps_addr_add(&nl, eth0, &c->ip6, false)) < 0) ||
	    (r = vps_net_fail_after("addr", err)) < 0)
		goto out;
	what = "default route";
	if ((r = vps_route_default(&nl, eth0, &c->gw)) < 0 ||
	    (c->ip6.family && (r = vps_route_default(&nl, eth0, &c->gw6)) < 0))
		goto out;
	if ((r = vps_net_fail_after("route", err)) < 0)
		goto out;
	what = "ping_group_range";
	if ((r = vps_net_ping_range(lx, ping, sizeof(ping))) >= 0)
		r = vps_net_sysctl_in(nsfd, "net/ipv4/ping_group_range", ping, err);
out:
	vps_nl_close(&nl);
	if (r < 0 && !err->code)
		vps_error(err, -r, "in the VPS: %s", what);
	return r;
}

int vps_net_host_rules(const char *id, const char *veth, const struct vps_net_cfg *c,
		       json_object *x, vps_err *err)
{
	char table[96];
	vps_net_table_name(id, table, sizeof(table));
	vps_net_put_str(x, "nft_table", table);
	int r = vps_nat_apply(table, veth, c, err);
	if (r < 0 || (r = vps_net_fail_after("nat", err)) < 0)
		return r;
	if (c->n_ports) {
		json_object *ports = json_object_new_array();
		for (unsigned i = 0; i < c->n_ports; i++) {
			char p[32];
			vps_net_port_str(&c->ports[i], p, sizeof(p));
			json_object_array_add(ports, json_object_new_string(p));
		}
		json_object_object_add(x, "publish", ports);
	}
	return 0;
}

static int open_netns(pid_t pid, vps_err *err)
{
	struct stat self, st;
	struct vps_procpath p_pp;
	const char *p = vps_procpath(&p_pp, pid, "ns/net");
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "open %s", p);
	if (fstat(fd, &st) < 0 || stat("/proc/self/ns/net", &self) < 0 ||
	    st.st_ino == self.st_ino) {
		close(fd);
		return vps_errorx(err, EINVAL, "the VPS shares the host's network namespace");
	}
	return fd;
}

static int setup(const struct vps_lease_owner *o, const struct oci_spec *spec, pid_t pid,
		 struct vps_net_cfg *c, json_object *x, vps_err *err)
{
	struct vps_nl nl;
	int br, r;
	_cleanup_close_ int nsfd = open_netns(pid, err);
	if (nsfd < 0)
		return nsfd;
	if ((r = vps_nl_open(&nl, -1, err)) < 0)
		return r;
	if ((r = vps_net_host_side(o, c, &nl, x, &br, err)) < 0)
		goto out;
	char veth[IFNAMSIZ];
	unsigned char mac[6];
	vps_net_veth_name(o->id, veth);
	vps_net_mac(&c->ip, mac);
	if ((r = vps_veth_create(&nl, veth, VPS_NET_IFNAME, nsfd, c->mtu, mac)) < 0) {
		vps_error(err, -r, "create veth %s (VPS side %s)", veth, VPS_NET_IFNAME);
		goto out;
	}
	vps_net_put_str(x, "veth", veth);
	int hidx = vps_link_index(&nl, veth);
	if ((r = hidx) < 0 || (r = vps_link_set(&nl, hidx, true, 0, br)) < 0) {
		vps_error(err, -r, "attach veth %s to bridge %s", veth, c->bridge);
		goto out;
	}
	if ((r = vps_net_fail_after("veth", err)) < 0 ||
	    (r = vps_side(nsfd, c, &spec->lx, err)) < 0 ||
	    (r = vps_net_host_rules(o->id, veth, c, x, err)) < 0)
		goto out;
	const char *host = spec->hostname && *spec->hostname ? spec->hostname : o->id;
	if ((r = vps_net_write_etc(pid, host, c, &c->ip, &c->ip6, err)) < 0)
		goto out;
	r = vps_net_fail_after("etc", err);
out:
	vps_nl_close(&nl);
	return r;
}

int vps_net_build(const char *root, const char *id, struct vps_net_cfg *c, vps_net_step step,
		  void *arg, json_object **extra, vps_err *err)
{
	json_object *x = json_object_new_object();
	if (!x)
		return vps_error(err, ENOMEM, "network");
	char buf[PATH_MAX];
	struct vps_lease_owner o;
	vps_lease_owner_init(&o, buf, root, id);
	int r = step(&o, c, x, arg, err);
	if (r < 0) {
		vps_err e2 = {0};
		if (vps_net_teardown(root, id, x, &e2) < 0)
			log_warn("undoing the network of %s: %s", id, e2.msg);
		json_object_put(x);
		return vps_error_wrap(err, "network");
	}
	*extra = x;
	return 0;
}

struct init_arg {
	const struct oci_spec *spec;
	pid_t pid;
};

static int setup_step(const struct vps_lease_owner *o, struct vps_net_cfg *c, json_object *x,
		      void *arg, vps_err *err)
{
	const struct init_arg *a = arg;
	int r = setup(o, a->spec, a->pid, c, x, err);
	if (r == 0) /* only a failed create removes it */
		json_object_object_del(x, "bridge_created");
	return r;
}

int vps_net_setup(const char *root, const char *id, const struct oci_spec *spec, pid_t pid,
		  json_object **extra, vps_err *err)
{
	struct vps_net_cfg c;
	*extra = NULL;
	int r = vps_net_validate(spec, err);
	if (r < 0 || (r = vps_net_config(spec, &c, err)) < 0)
		return r;
	if (!c.enabled) /* a new netns's lo: the init brings it up (vps_net_loopback_up) */
		return 0;
	struct init_arg a = {.spec = spec, .pid = pid};
	return vps_net_build(root, id, &c, setup_step, &a, extra, err);
}
