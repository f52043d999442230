/* SPDX-License-Identifier: GPL-2.0-or-later */
/* runtime/vm/snapshot.c: which starts use a snapshot (the default, --vm-cold,
 * the annotation, $VPS_VM_SNAPSHOT) and that the cache key changes with every
 * input the saved VM depends on (kernel file, QEMU binary, RAM, terminal,
 * accelerator), so a changed one never restores a stale snapshot; a cache
 * directory too long for a path is refused, never cut to "" (a cache in /). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include "runtime/vm/vm.h"
#include "util/fmt.h"
#include "tests/unit/tap.h"

static void wanted(void)
{
	struct oci_kv kv = {.key = VPS_VM_SNAPSHOT_ANNOTATION, .value = "off"};
	struct oci_spec none = {0}, off = {.annotations = &kv, .n_annotations = 1};
	unsetenv("VPS_VM_SNAPSHOT");
	ok(vps_vm_snapshot_wanted(&none, false), "the default: from a snapshot");
	ok(!vps_vm_snapshot_wanted(&none, true), "--vm-cold: a fresh boot");
	ok(!vps_vm_snapshot_wanted(&off, false), "annotation off: a fresh boot");
	setenv("VPS_VM_SNAPSHOT", "off", 1);
	ok(!vps_vm_snapshot_wanted(&none, false), "VPS_VM_SNAPSHOT=off: a fresh boot");
	kv.value = "on";
	ok(vps_vm_snapshot_wanted(&off, false), "annotation on beats VPS_VM_SNAPSHOT=off");
	unsetenv("VPS_VM_SNAPSHOT");
}

static void touch_file(const char *path, const char *text, time_t mtime)
{
	FILE *f = fopen(path, "w");
	if (f)
		fputs(text, f), fclose(f);
	struct utimbuf t = {mtime, mtime};
	utime(path, &t);
}

static void key(void)
{
	char dir[] = "/tmp/vps-unit-snap.XXXXXX", kern[64], qemu[64];
	ok(mkdtemp(dir) != NULL, "temp dir");
	vps_snprintf(kern, sizeof(kern), "%s/vmlinux", dir);
	vps_snprintf(qemu, sizeof(qemu), "%s/qemu", dir);
	touch_file(kern, "kernel one", 1000000);
	touch_file(qemu, "qemu one", 1000000);
	setenv("VPS_QEMU", qemu, 1);
	struct vps_vm_kernel k = {0};
	strcpy(k.path, kern);
	struct oci_process p = {0};
	struct oci_spec spec = {.process = &p};
	struct vps_vm_launch l = {.spec = &spec, .kernel = &k, .accel = VPS_VM_TCG, .ram_mib = 256};
	char k0[17], k1[17];
	vps_vm_snapshot_key(&l, k0);
	is_int(strlen(k0), 16, "16 hex digits");
	vps_vm_snapshot_key(&l, k1);
	is_str(k1, k0, "the same shape: the same key");
	touch_file(kern, "kernel number two", 1000000);
	vps_vm_snapshot_key(&l, k1);
	ok(strcmp(k1, k0) != 0, "a changed kernel file (size): another key");
	touch_file(kern, "kernel one", 2000000);
	vps_vm_snapshot_key(&l, k1);
	ok(strcmp(k1, k0) != 0, "a changed kernel file (mtime): another key");
	touch_file(kern, "kernel one", 1000000);
	touch_file(qemu, "qemu one", 3000000);
	vps_vm_snapshot_key(&l, k1);
	ok(strcmp(k1, k0) != 0, "a changed QEMU binary: another key");
	touch_file(qemu, "qemu one", 1000000);
	vps_vm_snapshot_key(&l, k1);
	is_str(k1, k0, "all back as it was: the first key");
	char tmp[80];
	vps_snprintf(tmp, sizeof(tmp), "%s.new", kern);
	touch_file(tmp, "kernel one", 1000000);
	rename(tmp, kern); /* a package upgrade: same size and time, a new inode */
	vps_vm_snapshot_key(&l, k1);
	ok(strcmp(k1, k0) != 0, "a replaced file (new inode) is a change too");
	char base[17];
	vps_vm_snapshot_key(&l, base);
	l.ram_mib = 300;
	vps_vm_snapshot_key(&l, k1);
	ok(strcmp(k1, base) != 0, "another RAM size: another key");
	l.ram_mib = 256, p.terminal = true;
	vps_vm_snapshot_key(&l, k1);
	ok(strcmp(k1, base) != 0, "a terminal (another port set): another key");
	p.terminal = false, l.accel = VPS_VM_KVM;
	vps_vm_snapshot_key(&l, k1);
	ok(strcmp(k1, base) != 0, "another accelerator: another key");
	unlink(kern), unlink(qemu), rmdir(dir);
	unsetenv("VPS_QEMU");
}

static void long_cache(void)
{
	static char cache[PATH_MAX + 16], dir[PATH_MAX];
	memset(cache, 'c', sizeof(cache) - 1);
	cache[0] = '/';
	unsetenv("VPS_VM_SNAPSHOTS");
	setenv("VPS_VM_CACHE", cache, 1);
	is_str(vps_vm_snapshot_dir(), "", "VPS_VM_CACHE too long: no snapshot dir (not a cut one)");
	struct vps_vm_kernel k = {.path = "/nonexistent/vmlinux"};
	struct oci_process p = {0};
	struct oci_spec spec = {.process = &p};
	struct vps_vm_launch l = {.spec = &spec, .kernel = &k, .accel = VPS_VM_TCG, .ram_mib = 256};
	bool built = true;
	vps_err e = {0};
	is_int(vps_vm_snapshot_ensure(&l, dir, &built, &e), -ENAMETOOLONG,
	       "and a start from a snapshot fails");
	ok(strstr(e.msg, "VPS_VM_CACHE /ccc") && strstr(e.msg, "too long"), "naming the cache (%s)",
	   e.msg);
	ok(!built, "nothing built");
	unsetenv("VPS_VM_CACHE");
}

int main(void)
{
	wanted();
	key();
	long_cache();
	return done_testing();
}
