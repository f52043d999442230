/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pure logic of cgroups/: path cleaning, runc's conversions, unified key
 * checks, PSI parsing, and the v2 device program (run on a small interpreter
 * of the instructions the builder emits, against v1's last-match-wins rules). */
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/devices.h"
#include "cgroups/stats.h"
#include "tap.h"
#include "util/cleanup.h"

static const char *clean(const char *in)
{
	static char out[256];
	cg_clean_path(in, out, sizeof(out));
	return out;
}

/* Interpreter for: LDX W, ALU64 AND/RSH/MOV (K and X), JNE K, EXIT. */
static int run(const struct bpf_insn *p, size_t n, uint32_t ctx[3], int *bad)
{
	uint64_t r[11] = {0};
	for (size_t pc = 0, steps = 0; pc < n && steps < 10000; pc++, steps++) {
		const struct bpf_insn *i = &p[pc];
		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			r[i->dst_reg] = ctx[i->off / 4];
			break;
		case BPF_ALU64 | BPF_AND | BPF_K:
			r[i->dst_reg] &= (uint64_t)(int64_t)i->imm;
			break;
		case BPF_ALU64 | BPF_RSH | BPF_K:
			r[i->dst_reg] >>= i->imm;
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[i->dst_reg] = (uint64_t)(int64_t)i->imm;
			break;
		case BPF_ALU64 | BPF_MOV | BPF_X:
			r[i->dst_reg] = r[i->src_reg];
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			if (r[i->dst_reg] != (uint64_t)(int64_t)i->imm)
				pc += i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)r[0];
		default:
			*bad = 1;
			return -1;
		}
	}
	*bad = 1;
	return -1;
}

static int check(const struct oci_device_rule *rules, size_t n, char type, uint32_t maj,
		 uint32_t min, int acc)
{
	struct bpf_insn prog[512];
	size_t len = 0;
	int bad = 0;
	if (cg_devices_bpf_build(rules, n, prog, 512, &len) < 0)
		return -2;
	uint32_t ctx[3] = {(uint32_t)(acc << 16) |
			       (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
			   maj, min};
	int v = run(prog, len, ctx, &bad);
	return bad ? -1 : v;
}

/* expand SLICE: the path, or "ERR: message" */
static const char *expand(const char *slice)
{
	static char out[CG_MAX_PATH + 64];
	char buf[CG_MAX_PATH];
	vps_err err;
	if (cg_systemd_expand_slice(slice, buf, sizeof(buf), &err) < 0)
		snprintf(out, sizeof(out), "ERR: %s", err.msg);
	else
		snprintf(out, sizeof(out), "%s", buf);
	return out;
}

/* systemd PATH: "slice unit path", or "ERR: message" */
static const char *sdpath(const char *path)
{
	static char out[CG_MAX_PATH + 600];
	static struct cg_systemd_unit u;
	vps_err err;
	if (cg_systemd_path(path, "c1", "system.slice", &u, &err) < 0)
		snprintf(out, sizeof(out), "ERR: %s", err.msg);
	else
		snprintf(out, sizeof(out), "%s %s %s", u.slice, u.unit, u.path);
	return out;
}

static void systemd_paths(void)
{
	is_str(expand("system.slice"), "/system.slice", "slice: one level");
	is_str(expand("a-b-c.slice"), "/a.slice/a-b.slice/a-b-c.slice", "slice: nested by '-'");
	is_str(expand("-.slice"), "/", "slice: -.slice is the root");
	is_str(expand("machine.slice"), "/machine.slice", "slice: machine.slice");
	/* runc's refusals: an empty part, no .slice, a '/' */
	static const char *const bad[] = {"a--b.slice", "-a.slice", "a-.slice",
					  ".slice",	"system",   "a/b.slice"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(!strncmp(expand(bad[i]), "ERR: invalid slice name", 23), "slice: %s refused",
		   bad[i]);
	is_str(sdpath(NULL), "system.slice vps-c1.scope /system.slice/vps-c1.scope",
	       "systemd: no cgroupsPath: default slice, prefix vps, the id");
	is_str(sdpath("machine.slice:libpod:abc"),
	       "machine.slice libpod-abc.scope /machine.slice/libpod-abc.scope",
	       "systemd: podman's slice:prefix:name");
	is_str(sdpath("system.slice:docker:abc"),
	       "system.slice docker-abc.scope /system.slice/docker-abc.scope", "systemd: docker's");
	is_str(sdpath("kubepods-besteffort-pod1.slice:cri-containerd:abc"),
	       "kubepods-besteffort-pod1.slice cri-containerd-abc.scope "
	       "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/"
	       "cri-containerd-abc.scope",
	       "systemd: kubelet's nested slice");
	is_str(sdpath(":vps:abc"), "system.slice vps-abc.scope /system.slice/vps-abc.scope",
	       "systemd: empty slice part: the default");
	is_str(sdpath("user.slice::abc"), "user.slice abc.scope /user.slice/abc.scope",
	       "systemd: no prefix: NAME.scope");
	is_str(sdpath("system.slice:x:my.slice"), "system.slice my.slice /system.slice/my.slice",
	       "systemd: a .slice name is the unit itself");
	is_str(sdpath("-.slice:p:n"), "-.slice p-n.scope /p-n.scope",
	       "systemd: under the root slice");
	ok(!strncmp(sdpath("/system.slice/x"), "ERR: cgroupsPath \"/system.slice/x\": expected",
		    42),
	   "systemd: a plain path is refused as runc does");
	ok(!strncmp(sdpath("a:b"), "ERR: cgroupsPath \"a:b\": expected \"slice:prefix:name\"", 50),
	   "systemd: two parts refused");
	ok(!strncmp(sdpath("a.slice:b:c:d"), "ERR: cgroupsPath", 16),
	   "systemd: four parts refused");
	ok(!strncmp(sdpath("system.slice:p:"), "ERR: cgroupsPath", 16),
	   "systemd: empty name refused");
	ok(strstr(sdpath("bad:p:n"), "invalid slice name \"bad\"") != NULL,
	   "systemd: a slice without .slice refused, named");
	ok(strstr(sdpath("system.slice:p:a/b"), "invalid unit name") != NULL,
	   "systemd: '/' in the name refused");
}

int main(void)
{
	is_str(clean("/a//b/./c/"), "/a/b/c", "clean: slashes and dots");
	is_str(clean("../../x"), "/x", "clean: .. cannot climb above /");
	is_str(clean("/a/../../b"), "/b", "clean: .. in the middle");
	is_str(clean(""), "/", "clean: empty is /");
	is_int(cg_shares_to_weight(1024), 39, "shares 1024 -> weight 39");
	is_int(cg_shares_to_weight(512), 20, "shares 512 -> weight 20 (podman's value)");
	is_int(cg_shares_to_weight(2), 1, "shares 2 -> weight 1");
	is_int(cg_shares_to_weight(262144), 10000, "shares max -> weight 10000");
	is_int(cg_blkio_to_io_weight(10), 1, "blkio 10 -> io 1");
	is_int(cg_blkio_to_io_weight(1000), 10000, "blkio 1000 -> io 10000");
	is_int(cg_blkio_to_io_weight(500), 4950, "blkio 500 -> io 4950");
	char why[96];
	ok(cg_unified_key_ok("memory.high", why, sizeof(why)) == 0, "unified memory.high ok");
	ok(cg_unified_key_ok("../memory.max", why, sizeof(why)) < 0, "unified ../ refused");
	ok(cg_unified_key_ok("a/b.c", why, sizeof(why)) < 0, "unified / refused");
	ok(cg_unified_key_ok("..", why, sizeof(why)) < 0, "unified .. refused");
	ok(cg_unified_key_ok("cgroup.procs", why, sizeof(why)) < 0, "unified cgroup.procs refused");
	ok(cg_unified_key_ok("nodot", why, sizeof(why)) < 0, "unified without a dot refused");

	struct vps_psi psi;
	ok(cg_parse_psi("some avg10=1.50 avg60=0.20 avg300=0.00 total=12345\n"
			"full avg10=0.00 avg60=0.00 avg300=0.00 total=7\n",
			&psi) == 0 &&
	       psi.some.avg10 > 1.49 && psi.some.avg10 < 1.51 && psi.some.total == 12345 &&
	       psi.full.set && psi.full.total == 7,
	   "PSI parsed");

	/* device program semantics */
	const int R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE, M = BPF_DEVCG_ACC_MKNOD;
	struct oci_device_rule deny_all[] = {{false, 'a', -1, -1, "rwm"}};
	is_int(check(deny_all, 1, 'c', 1, 3, R | W), 1,
	       "deny all: /dev/null still allowed (default)");
	is_int(check(deny_all, 1, 'c', 1, 11, R), 0, "deny all: c 1:11 denied");
	is_int(check(deny_all, 1, 'b', 8, 0, R), 0, "deny all: b 8:0 denied");
	is_int(check(deny_all, 1, 'b', 8, 0, M), 1,
	       "deny all: mknod of a block device allowed (default)");
	is_int(check(deny_all, 1, 'c', 136, 7, R | W), 1, "deny all: pts (136:*) allowed");
	struct oci_device_rule r2[] = {{false, 'a', -1, -1, "rwm"}, {true, 'b', 8, -1, "r"}};
	is_int(check(r2, 2, 'b', 8, 16, R), 1, "allow b 8:* r: read 8:16 allowed");
	is_int(check(r2, 2, 'b', 8, 16, R | W), 0, "allow b 8:* r: read+write denied");
	is_int(check(r2, 2, 'c', 8, 16, R), 0, "allow b 8:* r: char 8:16 denied");
	struct oci_device_rule r3[] = {{true, 'a', -1, -1, "rwm"}, {false, 'c', 1, 3, "rwm"}};
	is_int(check(r3, 2, 'c', 10, 1, R), 1, "allow all: c 10:1 allowed");
	is_int(check(r3, 2, 'c', 1, 3, R), 1,
	       "allow all, deny null: the default list (later) allows it again");
	struct oci_device_rule r4[] = {{true, 'c', 1, 11, "r"}, {false, 'a', -1, -1, "rwm"}};
	is_int(check(r4, 2, 'c', 1, 11, R), 0,
	       "a later deny all wipes the earlier allow (as on v1)");
	is_int(check(r4, 2, 'c', 1, 3, W), 1, "... but not the defaults, which come after");
	is_int(check(NULL, 0, 'c', 4, 1, R), 0, "no rules: only the defaults, c 4:1 denied");
	struct bpf_insn tiny[4];
	size_t len;
	ok(cg_devices_bpf_build(deny_all, 1, tiny, 4, &len) < 0, "a too small buffer is E2BIG");
	/* the kernel's verifier accepts what the builder makes */
	struct {
		const struct oci_device_rule *r;
		size_t n;
	} sets[] = {{NULL, 0}, {deny_all, 1}, {r2, 2}, {r3, 2}, {r4, 2}};
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		vps_err err = {0};
		int fd = -1;
		if (geteuid() != 0) {
			ok(1, "# SKIP loading BPF programs needs root");
			continue;
		}
		ok(cg_devices_bpf_load(sets[i].r, sets[i].n, &fd, &err) == 0,
		   "verifier accepts rule set %zu: %s", i, err.msg);
		if (fd >= 0)
			close(fd);
	}
	systemd_paths();
	return done_testing();
}
