/* SPDX-License-Identifier: GPL-2.0-or-later */
/* runtime/criu_ext.c: the checkpoint record (vps-checkpoint.json) round-trips,
 * bad records are refused by name, and restore's --external words come from
 * config.json, the new cgroup and the new console; util/argv.c stays bounded. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/criu.h"
#include "tap.h"
#include "util/argv.h"

static void write_file(const char *dir, const char *text)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, VPS_CKPT_META);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
}

static bool has_word(const struct vps_argv *a, const char *w)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], w) == 0)
			return true;
	return false;
}

int main(void)
{
	char dir[] = "/tmp/vps-unit-ckpt.XXXXXX";
	vps_err e = {0};
	if (!mkdtemp(dir))
		return 1;

	struct vps_ckpt_meta m = {.pid = 42, .terminal = true, .netns_external = true};
	m.mounts = calloc(3, sizeof(*m.mounts));
	m.n_mounts = 3;
	strcpy(m.mounts[0].dest, "/sys/fs/cgroup/memory");
	m.mounts[0].kind = VPS_CKPT_CGROUP;
	strcpy(m.mounts[1].dest, "/data");
	m.mounts[1].kind = VPS_CKPT_BIND;
	strcpy(m.mounts[2].dest, "/dev/console");
	m.mounts[2].kind = VPS_CKPT_CONSOLE;
	strcpy(m.fds[0], "tty[8800:46]");
	strcpy(m.fds[1], "pipe:[77]");
	is_int(vps_ckpt_meta_save(dir, &m, &e), 0, "save");
	vps_ckpt_meta_free(&m);

	struct vps_ckpt_meta l;
	is_int(vps_ckpt_meta_load(dir, &l, &e), 0, "load");
	is_int(l.pid, 42, "pid");
	ok(l.terminal && l.netns_external, "terminal and netns flags");
	is_int(l.n_mounts, 3, "three mounts");
	is_str(l.mounts[1].dest, "/data", "bind destination");
	is_int(l.mounts[2].kind, VPS_CKPT_CONSOLE, "console kind");
	is_str(l.fds[0], "tty[8800:46]", "stdin key");
	is_str(l.fds[2], "", "stderr: none");

	/* restore's words */
	struct oci_mount mt = {.destination = "/data", .source = "vol", .type = "bind"};
	struct oci_spec spec = {.mounts = &mt, .n_mounts = 1};
	struct vps_ckpt_sources src = {
	    .spec = &spec, .bundle = "/b", .cgroup_rel = "/vps/x", .console = "/dev/pts/9"};
	struct vps_argv a = {.n = 0};
	is_int(vps_ckpt_restore_mounts(&l, &src, &a, &e), 0, "restore mounts");
	ok(has_word(&a, "mnt[/sys/fs/cgroup/memory]:/sys/fs/cgroup/memory/vps/x"), "cgroup mapped");
	ok(has_word(&a, "mnt[/data]:/b/vol"), "relative bind source under the bundle");
	ok(has_word(&a, "mnt[/dev/console]:/dev/pts/9"), "console from the new pty");
	vps_argv_free(&a);
	src.console = NULL;
	ok(vps_ckpt_restore_mounts(&l, &src, &a, &e) < 0 && strstr(e.msg, "process.terminal"),
	   "a console without a terminal is refused: %s", e.msg);
	vps_argv_free(&a);
	spec.n_mounts = 0;
	src.console = "/dev/pts/9";
	ok(vps_ckpt_restore_mounts(&l, &src, &a, &e) < 0 && strstr(e.msg, "/data"),
	   "a bind config.json lacks is named: %s", e.msg);
	vps_argv_free(&a);
	vps_ckpt_meta_free(&l);

	/* a user namespace's VPS: host device nodes, its own cgroup2 mount, the
	 * console's pty, the VPS network's record */
	struct vps_ckpt_meta u = {.pid = 7};
	u.mounts = calloc(2, sizeof(*u.mounts));
	u.n_mounts = 2;
	strcpy(u.mounts[0].dest, "/proc/timer_list");
	strcpy(u.mounts[0].source, "/dev/null");
	u.mounts[0].kind = VPS_CKPT_HOSTDEV;
	strcpy(u.mounts[1].dest, "/sys/fs/cgroup");
	strcpy(u.mounts[1].source, "/sys/fs/cgroup/unified");
	u.mounts[1].kind = VPS_CKPT_CGROUP;
	strcpy(u.console, "tty[8800:2a]");
	u.net = json_tokener_parse("{\"ip\":\"10.89.0.5/16\",\"bridge\":\"br\"}");
	u.netns_renew = true; /* a namespace made anew, with the settings it had */
	u.netconf = json_tokener_parse("{\"ipv4/conf/all/forwarding\":\"1\"}");
	is_int(vps_ckpt_meta_save(dir, &u, &e), 0, "save a user namespace's VPS");
	vps_ckpt_meta_free(&u);
	is_int(vps_ckpt_meta_load(dir, &l, &e), 0, "load it");
	is_str(l.console, "tty[8800:2a]", "console key");
	is_str(json_object_get_string(json_object_object_get(l.net, "ip")), "10.89.0.5/16",
	       "network record");
	ok(l.netns_renew && !l.netns_external, "netns made anew, not joined by path");
	is_str(
	    json_object_get_string(json_object_object_get(l.netconf, "ipv4/conf/all/forwarding")),
	    "1", "its settings");
	src.spec = &spec;
	is_int(vps_ckpt_restore_mounts(&l, &src, &a, &e), 0, "restore its mounts");
	ok(has_word(&a, "mnt[/proc/timer_list]:/dev/null"), "host device node given anew");
	ok(has_word(&a, "mnt[/sys/fs/cgroup]:/sys/fs/cgroup/unified/vps/x"),
	   "cgroup2 mapped into the host's cgroup2 hierarchy");
	vps_argv_free(&a);
	vps_ckpt_meta_free(&l);
	write_file(dir, "{\"mounts\":[{\"destination\":\"/dev/null\",\"kind\":\"hostdev\","
			"\"source\":\"/etc/shadow\"}],\"stdio\":[\"\",\"\",\"\"]}");
	ok(vps_ckpt_meta_load(dir, &l, &e) < 0 && strstr(e.msg, "bad source"),
	   "a host device outside /dev refused: %s", e.msg);

	/* bad records */
	write_file(dir, "{\"mounts\":[],\"stdio\":[\"\",\"\"]}");
	ok(vps_ckpt_meta_load(dir, &l, &e) < 0 && strstr(e.msg, "not a vps checkpoint record"),
	   "two stdio entries refused: %s", e.msg);
	write_file(
	    dir,
	    "{\"mounts\":[{\"destination\":\"/x\",\"kind\":\"nfs\"}],\"stdio\":[\"\",\"\",\"\"]}");
	ok(vps_ckpt_meta_load(dir, &l, &e) < 0 && strstr(e.msg, "unknown kind \"nfs\""),
	   "unknown mount kind refused: %s", e.msg);
	write_file(dir, "{\"mounts\":[],\"stdio\":[\"\",\"\",\"\"],\"netConf\":[1]}");
	ok(vps_ckpt_meta_load(dir, &l, &e) < 0 && strstr(e.msg, "netConf: not an object"),
	   "netConf not an object refused: %s", e.msg);
	write_file(dir, "not json");
	ok(vps_ckpt_meta_load(dir, &l, &e) < 0, "not JSON refused");

	/* argv: bounded, NULL-terminated */
	for (int i = 0; i < VPS_ARGV_MAX + 5; i++)
		vps_argv_add(&a, "w%d", i);
	ok(a.failed && a.n == VPS_ARGV_MAX && a.v[a.n] == NULL, "argv stops at its bound");
	vps_argv_free(&a);

	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, VPS_CKPT_META);
	unlink(p);
	rmdir(dir);
	return done_testing();
}
