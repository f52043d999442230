/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netns/: address arithmetic, annotation parsing, and vps_net_setup/teardown
 * against real links -- all inside a network namespace this test unshares, with
 * "VPS" children in their own namespaces (never the machine's own netns). */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns/config.h"
#include "netns/lease.h"
#include "netns/link.h"
#include "netns/net.h"
#include "netns/setup.h"
#include "tap.h"
#include "util/fileio.h"

/* The specs concern provides oci_annotation; this stand-in keeps the test
 * independent of the parser (a strong definition in libvps.a wins). */
__attribute__((weak)) const char *oci_annotation(const struct oci_spec *spec, const char *key)
{
	for (size_t i = 0; i < spec->n_annotations; i++)
		if (strcmp(spec->annotations[i].key, key) == 0)
			return spec->annotations[i].value;
	return NULL;
}

static struct oci_kv kv[16];
static struct oci_spec spec;

/* spec_with("org.vps.net.ip", "auto", ..., NULL) */
static struct oci_spec *spec_with(const char *k, ...)
{
	va_list ap;
	memset(&spec, 0, sizeof(spec));
	spec.has_linux = true;
	spec.lx.namespaces[OCI_NS_NETWORK].present = true;
	spec.annotations = kv;
	va_start(ap, k);
	for (; k && spec.n_annotations < 16; k = va_arg(ap, const char *)) {
		kv[spec.n_annotations].key = (char *)k;
		kv[spec.n_annotations++].value = va_arg(ap, char *);
	}
	va_end(ap);
	return &spec;
}

static void pure_tests(void)
{
	struct vps_ip ip, h;
	vps_err e = {0};
	char s[VPS_IP_STRLEN];
	is_int(vps_ip_parse("10.88.0.5/16", 0, 0, &ip, "x", &e), 0, "parse IPv4/prefix");
	is_int(vps_ip_hostnum(&ip), 5, "host number of 10.88.0.5/16");
	is_int(vps_ip_host(&ip, 258, &h), 0, "host 258 of 10.88.0.0/16");
	is_str(vps_ip_str(&h, true, s), "10.88.1.2/16", "host 258 is 10.88.1.2");
	is_int(vps_ip_parse("fd00:88::1/64", 0, 0, &ip, "x", &e), 0, "parse IPv6");
	vps_ip_host(&ip, 0x1234, &h);
	is_str(vps_ip_str(&h, true, s), "fd00:88::1234/64", "IPv6 host arithmetic");
	ok(vps_ip_parse("10.1.2.300/8", 0, 0, &ip, "org.vps.net.ip", &e) < 0 &&
	       strstr(e.msg, "org.vps.net.ip: \"10.1.2.300\" is not an IP address"),
	   "bad address named: %s", e.msg);
	ok(vps_ip_parse("10.1.2.3/33", 0, 0, &ip, "k", &e) < 0, "prefix 33 refused");

	struct vps_net_cfg c;
	is_int(vps_net_config(spec_with(NULL), &c, &e), 0, "no annotations: ok");
	ok(!c.enabled, "no annotations: networking off");
	is_int(vps_net_config(spec_with(VPS_NET_IP, "auto", NULL), &c, &e), 0, "ip=auto");
	is_str(vps_ip_str(&c.gw, true, s), "10.88.0.1/16", "auto: default gateway");
	is_str(c.bridge, "vps0", "default bridge");
	ok(c.nat && c.mtu == 1500, "defaults: nat on, mtu 1500");
	is_int(vps_net_config(spec_with(VPS_NET_IP, "192.168.7.9/24", VPS_NET_PUBLISH,
					"8080:80,53:5353/udp", NULL),
			      &c, &e),
	       0, "static ip with publish");
	is_str(vps_ip_str(&c.gw, true, s), "192.168.7.1/24", "static: gateway is host 1");
	ok(c.n_ports == 2 && c.ports[1].udp && c.ports[1].host == 53 && c.ports[1].vps == 5353,
	   "publish list parsed");
	const char *bad[][3] = {
	    {VPS_NET_IP, "10.0.0.0/24", "cannot be a VPS address"},
	    {VPS_NET_IP, "10.0.0.255/24", "cannot be a VPS address"},
	    {VPS_NET_IP, "nope", "is not an IP address"},
	    {VPS_NET_PUBLISH, "80", "expected HOSTPORT:VPSPORT[/tcp|udp], got \"80\""},
	    {VPS_NET_PUBLISH, "8080:80/sctp", "got \"8080:80/sctp\""},
	    {VPS_NET_PUBLISH, "99999:80", "got \"99999:80\""},
	    {VPS_NET_MTU, "1G", "org.vps.net.mtu: expected an integer"},
	    {VPS_NET_NAT, "yes", "expected true or false"},
	    {VPS_NET_BRIDGE, "a/b", "not a valid interface name"},
	    {VPS_NET_GATEWAY, "10.9.0.1/16", "is not in the gateway's subnet"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *ipv = strcmp(bad[i][0], VPS_NET_IP) ? "10.0.0.2/24" : bad[i][1];
		int r = strcmp(bad[i][0], VPS_NET_IP)
			    ? vps_net_config(spec_with(VPS_NET_IP, ipv, bad[i][0], bad[i][1], NULL),
					     &c, &e)
			    : vps_net_config(spec_with(VPS_NET_IP, ipv, NULL), &c, &e);
		ok(r < 0 && strstr(e.msg, bad[i][2]), "%s=%s refused: %s", bad[i][0], bad[i][1],
		   e.msg);
	}
	ok(vps_net_config(spec_with(VPS_NET_BRIDGE, "br9", NULL), &c, &e) < 0 &&
	       strstr(e.msg, "org.vps.net.bridge needs org.vps.net.ip"),
	   "bridge without ip refused: %s", e.msg);
	spec_with(VPS_NET_IP, "auto", NULL);
	spec.lx.namespaces[OCI_NS_NETWORK].present = false;
	ok(vps_net_validate(&spec, &e) < 0 && strstr(e.msg, "needs a new network namespace"),
	   "no netns refused: %s", e.msg);
	char n[IFNAMSIZ];
	vps_net_veth_name("web1", n);
	is_str(n, "vh-web1", "short id veth name");
	vps_net_veth_name("a-very-long-container-id", n);
	ok(strlen(n) == 10 && n[2] != '-', "long id veth name is a hash: %s", n);
}

/* A "VPS": a child in a new netns, chrooted into dir (so /proc/PID/root is
 * dir, never the host's /), waiting until its pipe closes. */
struct vps_child {
	pid_t pid;
	int hold;
};

static struct vps_child spawn_exec(const char *dir, char *const *argv)
{
	int ready[2], hold[2];
	struct vps_child c = {-1, -1};
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(hold, O_CLOEXEC) < 0)
		return c;
	c.pid = fork();
	if (c.pid == 0) {
		char b;
		for (int fd = 3; fd < 1024; fd++)
			if (fd != ready[1] && fd != hold[0])
				close(fd);
		if (unshare(CLONE_NEWNET) < 0 || chroot(dir) < 0 || chdir("/") < 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		if (argv) {
			execv(argv[0], argv);
			_exit(127);
		}
		if (read(hold[0], &b, 1) < 0)
			_exit(1);
		_exit(0);
	}
	char b;
	close(ready[1]);
	close(hold[0]);
	if (read(ready[0], &b, 1) != 1)
		c.pid = -1;
	close(ready[0]);
	c.hold = hold[1];
	return c;
}

static struct vps_child spawn(const char *dir)
{
	return spawn_exec(dir, NULL);
}

static void reap(struct vps_child *c)
{
	close(c->hold);
	waitpid(c->pid, NULL, 0);
}

static int link_exists(const char *name)
{
	struct vps_nl nl;
	vps_err e;
	if (vps_nl_open(&nl, -1, &e) < 0)
		return -1;
	int r = vps_link_index(&nl, name);
	vps_nl_close(&nl);
	return r > 0;
}

/* address leases (not ports) of id; leases are host-wide, root is the owner's */
static int leases_of(const char *root, const char *id)
{
	struct vps_leases l;
	vps_err e;
	char buf[PATH_MAX];
	struct vps_lease_owner o;
	int n = 0;
	vps_lease_owner_init(&o, buf, root, id);
	if (vps_leases_load(&l, &e) < 0)
		return -1;
	for (size_t i = 0; i < l.n; i++)
		n += vps_lease_owned(&l.v[i], &o) && !l.v[i].port;
	vps_leases_free(&l);
	return n;
}

static int has_table(const char *name)
{
	char *all = NULL, want[128];
	vps_err e;
	if (vps_nat_tables(&all, &e) < 0)
		return -1;
	snprintf(want, sizeof(want), "%s\n", name);
	int r = strstr(all, want) != NULL;
	free(all);
	return r;
}

static int file_has(const char *path, const char *needle)
{
	char *t = NULL;
	size_t len;
	vps_err e;
	if (vps_read_file_at(AT_FDCWD, path, 1 << 16, &t, &len, &e) < 0)
		return 0;
	int r = strstr(t, needle) != NULL;
	free(t);
	return r;
}

static void netns_tests(const char *tmp)
{
	char root[256], rootfs[256], etc[300], cmd[2048];
	vps_err e = {0};
	json_object *xa = NULL, *xb = NULL;
	snprintf(root, sizeof(root), "%s/state", tmp);
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", tmp);
	snprintf(etc, sizeof(etc), "%s/etc", rootfs);
	mkdir(root, 0700);
	mkdir(rootfs, 0755);
	mkdir(etc, 0755);

	struct vps_child a = spawn(rootfs), b = spawn(rootfs);
	ok(a.pid > 0 && b.pid > 0, "two VPS children in their own netns");
	int r = vps_net_setup(
	    root, "net-a",
	    spec_with(VPS_NET_IP, "auto", VPS_NET_IP6, "auto", VPS_NET_PUBLISH, "8081:80", NULL),
	    a.pid, &xa, &e);
	is_int(r, 0, "setup net-a (auto): %s", e.msg);
	r = vps_net_setup(root, "net-b", spec_with(VPS_NET_IP, "10.88.0.77/16", NULL), b.pid, &xb,
			  &e);
	is_int(r, 0, "setup net-b (static): %s", e.msg);
	char buf[400];
	is_str(vps_net_address(xa, buf, sizeof(buf)), "10.88.0.2,fd00:88::2",
	       "net-a got .2 and ::2");
	is_str(vps_net_address(xb, buf, sizeof(buf)), "10.88.0.77", "net-b got its static address");
	ok(link_exists("vps0") == 1 && link_exists("vh-net-a") == 1, "bridge and host veth exist");
	is_int(leases_of(root, "net-a"), 2, "net-a leased (IPv4 and IPv6)");
	is_int(has_table("vps-net-a"), 1, "nft table vps-net-a exists");
	snprintf(buf, sizeof(buf), "%s/hosts", etc);
	ok(file_has(buf, "10.88.0.2\tnet-a") || file_has(buf, "10.88.0.77\tnet-b"),
	   "/etc/hosts written inside the VPS root");
	is_int(system("busybox ping -c1 -W3 10.88.0.2 >/dev/null"), 0, "host pings net-a");
	snprintf(cmd, sizeof(cmd), "nsenter -t %d -n busybox ping -c1 -W3 10.88.0.2 >/dev/null",
		 b.pid);
	is_int(system(cmd), 0, "net-b pings net-a");
	snprintf(cmd, sizeof(cmd), "nsenter -t %d -n busybox ping -c1 -W3 10.88.0.1 >/dev/null",
		 a.pid);
	is_int(system(cmd), 0, "net-a pings the gateway");
	snprintf(cmd, sizeof(cmd), "nsenter -t %d -n busybox ping -c1 -W3 fd00:88::1 >/dev/null",
		 a.pid);
	is_int(system(cmd), 0, "net-a pings the IPv6 gateway");

	/* a taken static address is refused and leaves nothing */
	struct vps_child c = spawn(rootfs);
	json_object *xc = NULL;
	r = vps_net_setup(root, "net-c", spec_with(VPS_NET_IP, "10.88.0.77/16", NULL), c.pid, &xc,
			  &e);
	ok(r < 0 && strstr(e.msg, "10.88.0.77 is already leased to net-b"), "duplicate address: %s",
	   e.msg);
	ok(leases_of(root, "net-c") == 0 && link_exists("vh-net-c") == 0, "nothing left by net-c");

	r = vps_net_setup(root, "net-c", spec_with(VPS_NET_IP, "auto", VPS_NET_BRIDGE, "lo", NULL),
			  c.pid, &xc, &e);
	ok(r < 0 && strstr(e.msg, "lo exists and is not a bridge"), "non-bridge refused: %s",
	   e.msg);
	ok(leases_of(root, "net-c") == 0 && link_exists("vh-net-c") == 0, "nothing left by net-c");
	vps_err_clear(&e);
	ok(vps_net_bridge_remove(root, "lo", &e) < 0 && strstr(e.msg, "is not a bridge"),
	   "net rm refuses a non-bridge: %s", e.msg);
	ok(vps_net_bridge_remove(root, "vps0", &e) < 0 && strstr(e.msg, "still has a lease"),
	   "net rm refuses a bridge in use: %s", e.msg);

	/* every step failing leaves nothing (a fresh bridge so its removal is seen too) */
	const char *steps[] = {"bridge", "lease", "veth", "addr", "route", "nat", "etc"};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		setenv("VPS_NET_FAIL_AFTER", steps[i], 1);
		r = vps_net_setup(root, "net-c",
				  spec_with(VPS_NET_IP, "auto", VPS_NET_BRIDGE, "vpsf0",
					    VPS_NET_GATEWAY, "10.99.0.1/24", VPS_NET_PUBLISH,
					    "81:80", NULL),
				  c.pid, &xc, &e);
		ok(r < 0 && strstr(e.msg, steps[i]) && !xc, "failure after %s: %s", steps[i],
		   e.msg);
		ok(link_exists("vh-net-c") == 0 && link_exists("vpsf0") == 0 &&
		       leases_of(root, "net-c") == 0 && has_table("vps-net-c") == 0,
		   "failure after %s leaves no veth, bridge, lease or table", steps[i]);
	}
	unsetenv("VPS_NET_FAIL_AFTER");
	reap(&c);

	/* a TCP service in a VPS: at its address and through a published port */
	char www[300], page[340];
	snprintf(www, sizeof(www), "%s/www", rootfs);
	snprintf(page, sizeof(page), "%s/index.html", www);
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/bin %s && cp /bin/busybox %s/bin/ && echo hi-vps >%s", rootfs, www,
		 rootfs, page);
	is_int(system(cmd), 0, "busybox and a page in the VPS root");
	char *httpd[] = {"/bin/busybox", "httpd", "-f", "-p", "80", "-h", "/www", NULL};
	struct vps_child w = spawn_exec(rootfs, httpd);
	json_object *xw = NULL;
	r = vps_net_setup(
	    root, "net-w",
	    spec_with(VPS_NET_IP, "10.88.0.80/16", VPS_NET_PUBLISH, "8080:80/tcp", NULL), w.pid,
	    &xw, &e);
	is_int(r, 0, "setup net-w with a published port: %s", e.msg);
	const char *get = "timeout 5 busybox wget -qO- http://%s/ 2>&1 | grep -q hi-vps";
	snprintf(cmd, sizeof(cmd), get, "10.88.0.80");
	is_int(system(cmd), 0, "host reaches the VPS's httpd at its address");
	snprintf(cmd, sizeof(cmd), get, "10.88.0.1:8080");
	is_int(system(cmd), 0, "host reaches it through the published port 8080");
	snprintf(cmd, sizeof(cmd), "nsenter -t %d -n sh -c '%s'", b.pid, get);
	char inner[2200];
	snprintf(inner, sizeof(inner), cmd, "10.88.0.1:8080");
	is_int(system(inner), 0, "another VPS reaches it through the published port (hairpin)");
	is_int(vps_net_teardown(root, "net-w", xw, &e), 0, "teardown net-w");
	snprintf(cmd, sizeof(cmd), get, "10.88.0.1:8080");
	ok(system(cmd) != 0, "published port gone after teardown");
	kill(w.pid, SIGKILL);
	reap(&w);
	json_object_put(xw);

	is_int(vps_net_teardown(root, "net-a", xa, &e), 0, "teardown net-a: %s", e.msg);
	ok(link_exists("vh-net-a") == 0 && leases_of(root, "net-a") == 0 &&
	       has_table("vps-net-a") == 0,
	   "net-a: no veth, lease or table left");
	is_int(vps_net_teardown(root, "net-a", xa, &e), 0, "teardown is idempotent: %s", e.msg);
	/* without state: the lease and the id-derived names are enough */
	is_int(vps_net_teardown(root, "net-b", NULL, &e), 0, "teardown net-b without extra");
	ok(link_exists("vh-net-b") == 0 && leases_of(root, "net-b") == 0, "net-b cleaned");
	json_object_put(xa);
	json_object_put(xb);
	reap(&a);
	reap(&b);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	pure_tests();
	char tmp[] = "/tmp/vps-net-unit.XXXXXX";
	if (geteuid() != 0 || !mkdtemp(tmp) || unshare(CLONE_NEWNET) < 0) {
		printf("ok %d # skip netlink tests need root and unshare(CLONE_NEWNET)\n", ++tap_n);
		return done_testing();
	}
	netns_tests(tmp);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp);
	return done_testing();
}
