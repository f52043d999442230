/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parsed model: every field of valid/full.json lands in the right place;
 * process.json / resources.json parsers; defaults; look-ups. */
#include <errno.h>
#include <fcntl.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "specs/spec.h"
#include "tap.h"
#include "util/fileio.h"

static struct oci_spec *load_full(void)
{
	const char *top = getenv("VPS_TOP");
	char path[1024];
	char *json = NULL;
	size_t len = 0;
	vps_err err = {0};
	struct oci_spec *s = NULL;
	snprintf(path, sizeof(path), "%s/tests/specs-corpus/valid/full.json", top ? top : ".");
	if (vps_read_file_at(AT_FDCWD, path, 1 << 20, &json, &len, &err) == 0)
		oci_spec_parse(json, len, &s, &err);
	free(json);
	ok(s != NULL, "full.json parses: %s", err.msg);
	return s;
}

static void check_top_process(const struct oci_spec *s)
{
	const struct oci_process *p = s->process;
	is_str(s->oci_version, "1.2.0", "ociVersion");
	is_str(s->root_path, "rootfs", "root.path");
	ok(s->root_readonly, "root.readonly");
	is_int(s->n_mounts, 2, "mounts");
	is_str(s->mounts[1].source, "/srv/data", "mount source");
	is_int(s->mounts[1].n_options, 2, "mount options");
	ok(s->mounts[1].options[2] == NULL, "options NULL-terminated");
	is_int(s->mounts[1].uid_mappings[0].host_id, 100000, "mount uidMappings");
	ok(p->has_console_size && p->console_height == 24 && p->console_width == 80, "consoleSize");
	ok(p->user.uid == 1000 && p->user.gid == 1000 && p->user.umask.set && p->user.umask.v == 18,
	   "user uid/gid/umask");
	ok(p->user.n_additional_gids == 2 && p->user.additional_gids[1] == 6, "additionalGids");
	is_str(p->user.username, "web", "username");
	ok(p->n_args == 3 && !p->args[3], "args NULL-terminated");
	ok(p->n_env == 3 && !p->env[3], "env NULL-terminated");
	is_str(p->cwd, "/srv", "cwd");
	ok(p->has_caps && p->caps.bounding == ((1ULL << 5) | (1ULL << 10)) &&
	       p->caps.effective == 1ULL << 5 && p->caps.ambient == 1ULL << 5 &&
	       p->caps.inheritable == 1ULL << 5,
	   "capability masks (CAP_KILL=5, CAP_NET_BIND_SERVICE=10)");
	ok(p->n_rlimits == 2 && p->rlimits[0].resource == RLIMIT_NOFILE &&
	       p->rlimits[0].soft == 512 && p->rlimits[1].hard == UINT64_MAX,
	   "rlimits");
	ok(p->no_new_privileges, "noNewPrivileges");
	ok(p->apparmor_profile && p->selinux_label, "apparmor/selinux");
	ok(p->oom_score_adj.set && p->oom_score_adj.v == 100, "oomScoreAdj");
	ok(p->scheduler.set && p->scheduler.policy == SCHED_DEADLINE && p->scheduler.flags == 1 &&
	       p->scheduler.period == 30000000,
	   "scheduler");
	ok(p->io_priority.set && p->io_priority.klass == IOPRIO_CLASS_BE &&
	       p->io_priority.priority == 4,
	   "ioPriority");
	is_str(s->hostname, "web1", "hostname");
	is_str(s->domainname, "example.org", "domainname");
	ok(s->hooks.n[OCI_HOOK_PRESTART] == 1 && s->hooks.list[OCI_HOOK_PRESTART][0].timeout.v == 5,
	   "prestart hook");
	for (int k = 0; k < OCI_HOOK_MAX; k++)
		is_int(s->hooks.n[k], 1, "hook kind %d present", k);
	is_str(oci_annotation(s, "org.example.key"), "value", "oci_annotation");
	ok(oci_annotation(s, "nope") == NULL, "oci_annotation: absent is NULL");
}

static void check_linux(const struct oci_spec *s)
{
	const struct oci_linux *lx = &s->lx;
	ok(s->has_linux, "linux present");
	for (int t = 0; t < OCI_NS_MAX; t++)
		ok(lx->namespaces[t].present, "namespace %s", oci_ns_name(t));
	is_str(lx->namespaces[OCI_NS_NETWORK].path, "/proc/1/ns/net", "namespace path");
	ok(lx->n_uid_mappings == 1 && lx->gid_mappings[0].size == 65536, "id mappings");
	ok(lx->time_monotonic.set && lx->time_monotonic.secs == -3600 &&
	       lx->time_monotonic.nanosecs == 5 && lx->time_boottime.secs == 86400,
	   "timeOffsets");
	ok(lx->n_devices == 2 && lx->devices[0].type == 'c' && lx->devices[0].minor == 229 &&
	       lx->devices[0].file_mode.v == 438 && lx->devices[1].type == 'p',
	   "devices");
	is_str(lx->cgroups_path, "/vps/web1", "cgroupsPath");
	const struct oci_resources *r = &lx->resources;
	ok(lx->has_resources && r->n_devices == 2 && r->devices[0].major == -1 &&
	       r->devices[0].type == 'a' && !strcmp(r->devices[1].access, "rw"),
	   "device rules (defaults a *:* for the first)");
	ok(r->has_memory && r->memory.limit.v == 536870912 && r->memory.kernel.v == -1 &&
	       r->memory.swappiness.v == 60 && r->memory.disable_oom_killer.set &&
	       !r->memory.disable_oom_killer.v,
	   "memory");
	ok(r->has_cpu && r->cpu.quota.v == 50000 && !strcmp(r->cpu.cpus, "0-1") && r->cpu.idle.set,
	   "cpu");
	ok(r->pids_limit.set && r->pids_limit.v == 256, "pids");
	ok(r->has_blockio && r->blockio.weight.v == 500 && r->blockio.n_weight_device == 1 &&
	       r->blockio.throttle_write_iops[0].rate == 1000,
	   "blockIO");
	ok(r->n_hugepage_limits == 1 && !strcmp(r->hugepage_limits[0].page_size, "2MB"),
	   "hugepageLimits");
	ok(r->net_class_id.v == 1048577 && r->n_net_priorities == 1, "network");
	ok(r->n_rdma == 1 && !strcmp(r->rdma[0].device, "mlx5_1") &&
	       r->rdma[0].hca_objects.v == 10000,
	   "rdma");
	ok(r->n_unified == 1 && !strcmp(r->unified[0].value, "400M"), "unified");
	is_int(lx->n_sysctl, 3, "sysctl");
	const struct oci_seccomp *sc = lx->seccomp;
	ok(sc && sc->default_action == OCI_SCMP_ERRNO && sc->default_errno_ret.v == 1 &&
	       sc->n_architectures == 2 && sc->n_flags == 1 && sc->n_syscalls == 4,
	   "seccomp");
	ok(sc && sc->syscalls[1].args[0].op == OCI_SCMP_CMP_EQ &&
	       sc->syscalls[1].args[0].value == 8 && sc->syscalls[2].action == OCI_SCMP_NOTIFY &&
	       sc->syscalls[3].errno_ret.v == 13,
	   "seccomp rules");
	is_str(sc ? sc->listener_path : NULL, "/run/agent.sock", "listenerPath");
	ok(lx->rootfs_propagation == (MS_SLAVE | MS_REC), "rootfsPropagation rslave");
	ok(lx->n_masked_paths == 1 && lx->n_readonly_paths == 1, "masked/readonly paths");
	ok(lx->mount_label != NULL, "mountLabel");
	ok(lx->personality.set && lx->personality.domain == 0, "personality LINUX");
}

static void other_parsers(void)
{
	vps_err err = {0};
	struct oci_process *p = NULL;
	const char *pj = "{\"args\":[\"ls\"],\"cwd\":\"/\",\"env\":[\"A=b\"],\"terminal\":true}";
	is_int(oci_process_parse(pj, strlen(pj), &p, &err), 0, "process.json parses");
	ok(p && p->terminal && !strcmp(p->args[0], "ls"), "process fields");
	oci_process_free(p);
	p = NULL;
	pj = "{\"args\":[\"ls\"],\"cwd\":\"tmp\"}";
	is_int(oci_process_parse(pj, strlen(pj), &p, &err), -EINVAL, "relative cwd rejected");
	is_str(err.msg, "process.json: .cwd: expected an absolute path, got \"tmp\"", "message");
	struct oci_resources *r = NULL;
	const char *rj = "{\"memory\":{\"limit\":1048576},\"pids\":{\"limit\":10}}";
	is_int(oci_resources_parse(rj, strlen(rj), &r, &err), 0, "resources.json parses");
	ok(r && r->has_memory && r->memory.limit.v == 1048576 && r->pids_limit.v == 10, "fields");
	oci_resources_free(r);
	r = NULL;
	rj = "{\"cpu\":{\"shares\":\"lots\"}}";
	is_int(oci_resources_parse(rj, strlen(rj), &r, &err), -EINVAL, "bad resources rejected");
	is_str(err.msg, "resources.json: .cpu.shares: expected an integer, got \"lots\"",
	       "message");
}

/* hugepageLimits[].pageSize: runc's any-case key and unit, the kernel's name. */
static void hugepage_sizes(void)
{
	static const struct {
		const char *json, *want;
	} cases[] = {
	    {"{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}]}", "2MB"},
	    {"{\"hugepageLimits\":[{\"pageSize\":\"2mb\",\"limit\":1}]}", "2MB"},
	    {"{\"hugepageLimits\":[{\"pagesize\":\"1gb\",\"Limit\":1}]}", "1GB"},
	    {"{\"hugepageLimits\":[{\"pageSize\":\"2048kB\",\"limit\":1}]}", "2MB"},
	    {"{\"hugepageLimits\":[{\"pageSize\":\"64KB\",\"limit\":1}]}", "64KB"},
	    {"{\"hugepageLimits\":[{\"pageSize\":\"3MB\",\"limit\":1}]}", NULL},
	    {"{\"hugepageLimits\":[{\"pageSize\":\"2XB\",\"limit\":1}]}", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct oci_resources *r = NULL;
		vps_err err = {0};
		int rc = oci_resources_parse(cases[i].json, strlen(cases[i].json), &r, &err);
		if (cases[i].want)
			ok(rc == 0 && r->n_hugepage_limits == 1 &&
			       !strcmp(r->hugepage_limits[0].page_size, cases[i].want) &&
			       r->hugepage_limits[0].limit == 1,
			   "%s -> %s %s", cases[i].json, cases[i].want, err.msg);
		else
			ok(rc == -EINVAL && strstr(err.msg, "invalid page size"), "%s refused: %s",
			   cases[i].json, err.msg);
		oci_resources_free(r);
	}
}

static void defaults_and_names(void)
{
	for (int rootless = 0; rootless < 2; rootless++) {
		char *json = oci_spec_default_json(rootless);
		struct oci_spec *s = NULL;
		vps_err err = {0};
		ok(json && oci_spec_parse(json, strlen(json), &s, &err) == 0,
		   "default%s spec parses: %s", rootless ? " rootless" : "", err.msg);
		if (s)
			ok(s->lx.namespaces[OCI_NS_USER].present == rootless &&
			       s->lx.namespaces[OCI_NS_NETWORK].present == !rootless,
			   "rootless: user ns instead of network ns");
		oci_spec_free(s);
		free(json);
	}
	is_str(oci_ns_name(OCI_NS_NETWORK), "network", "oci_ns_name");
	is_int(oci_ns_clone_flag(OCI_NS_MOUNT), CLONE_NEWNS, "clone flag mount");
	is_int(oci_ns_clone_flag(OCI_NS_TIME), 0x80, "clone flag time");
	vps_err err = {0};
	struct oci_spec *s = NULL;
	is_int(oci_spec_load("/nonexistent-bundle", &s, &err), -ENOENT, "missing bundle");
	ok(strstr(err.msg, "bundle /nonexistent-bundle") != NULL, "names the bundle: %s", err.msg);
	is_int(oci_spec_load("/", &s, &err), -ENOENT, "bundle without config.json");
	is_str(err.msg, "/config.json: No such file or directory", "names the file");
}

/* The /proc/PID/uid_map text, and -E2BIG (never a cut line) when it does not fit. */
static void idmap_text(void)
{
	const struct oci_idmap m[] = {
	    {0, 100000, 65536}, {65536, 1000, 1}, {4294967295u, 4294967295u, 4294967295u}};
	char buf[64];
	is_int(oci_idmap_format(m, 2, buf, sizeof(buf)), 28, "idmap text: two lines");
	is_str(buf, "0 100000 65536\n65536 1000 1\n", "in the kernel's form");
	is_int(oci_idmap_format(m, 3, buf, 40), -E2BIG, "a third line past the buffer: -E2BIG");
	is_int(oci_idmap_format(m, 0, buf, sizeof(buf)), 0, "no mappings: empty");
	is_str(buf, "", "and the buffer is empty");
}

int main(void)
{
	struct oci_spec *s = load_full();
	if (s) {
		check_top_process(s);
		check_linux(s);
	}
	oci_spec_free(s);
	other_parsers();
	hugepage_sizes();
	defaults_and_names();
	idmap_text();
	return done_testing();
}
