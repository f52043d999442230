/* SPDX-License-Identifier: GPL-2.0-or-later */
/* runtime/seccomp*.c: every OCI action, errnoRet, argument conditions (AND,
 * and OR for a repeated index as runc does), unknown syscalls, architectures,
 * flags, a large (binary-tree) profile, the BPF cache and SCMP_ACT_NOTIFY with
 * the listener hand-off. Each case installs the filter in a forked child and
 * checks what that child sees. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/seccomp.h"
#include "tests/unit/tap.h"
#include "util/cleanup.h"

static char *names_mkdir[] = {"mkdirat", "mkdir"};

static struct oci_seccomp profile(enum oci_seccomp_action def, struct oci_seccomp_rule *r, size_t n)
{
	return (struct oci_seccomp){.default_action = def, .syscalls = r, .n_syscalls = n};
}

/* Fork; the child installs s and runs fn; returns the wait status. */
static int run(const struct vps_seccomp *s, int (*fn)(void))
{
	pid_t p = fork();
	if (p == 0) {
		vps_err e = {0};
		int lfd;
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		if (vps_seccomp_install(s, &lfd, &e) < 0)
			_exit(200);
		_exit(fn());
	}
	int st;
	waitpid(p, &st, 0);
	return st;
}

static int with(const struct oci_seccomp *sc, const char *cache, int (*fn)(void))
{
	struct vps_seccomp *s;
	vps_err e = {0};
	if (vps_seccomp_prepare(sc, cache, &s, &e) < 0) {
		printf("# prepare: %s\n", e.msg);
		return -1;
	}
	int st = run(s, fn);
	vps_seccomp_free(s);
	return st;
}

#define EXITED(st, code)  (WIFEXITED(st) && WEXITSTATUS(st) == (code))
#define SIGNALED(st, sig) (WIFSIGNALED(st) && WTERMSIG(st) == (sig))

static int do_mkdir(void)
{
	return mkdir("/nonexistent-dir/x", 0700) < 0 ? errno : 0;
}
static int do_getppid(void)
{
	syscall(SYS_getppid);
	return 0;
}
static int do_getppid_err(void)
{
	return syscall(SYS_getppid) < 0 ? errno : 0;
}
static void on_sigsys(int sig)
{
	(void)sig;
	_exit(42);
}
static int do_trap(void)
{
	signal(SIGSYS, on_sigsys);
	syscall(SYS_getppid);
	return 0;
}
static int do_lseek_and(void)
{
	int a = lseek(99, 0, SEEK_CUR) < 0 ? errno : 0; /* fd 99 and whence 1: EXDEV */
	int b = lseek(99, 0, SEEK_SET) < 0 ? errno : 0; /* whence 0: EBADF */
	return a == EXDEV && b == EBADF ? 0 : 1;
}
static int do_lseek_or(void)
{
	int a = lseek(98, 0, 0) < 0 ? errno : 0, b = lseek(99, 0, 0) < 0 ? errno : 0;
	int c = lseek(97, 0, 0) < 0 ? errno : 0;
	return a == EXDEV && b == EXDEV && c == EBADF ? 0 : 1;
}
static int do_masked(void)
{
	int a = lseek(96, 0x1234, 0) < 0 ? errno : 0; /* low byte 0x34: matches */
	int b = lseek(96, 0x1235, 0) < 0 ? errno : 0;
	return a == EXDEV && b == EBADF ? 0 : 1;
}

static void test_actions(void)
{
	struct oci_seccomp_rule r = {.names = names_mkdir,
				     .n_names = 2,
				     .action = OCI_SCMP_ERRNO,
				     .errno_ret = {true, EXDEV}};
	struct oci_seccomp sc = profile(OCI_SCMP_ALLOW, &r, 1);
	ok(EXITED(with(&sc, NULL, do_mkdir), EXDEV), "SCMP_ACT_ERRNO with errnoRet");
	r.errno_ret.set = false;
	ok(EXITED(with(&sc, NULL, do_mkdir), EPERM), "SCMP_ACT_ERRNO defaults to EPERM");
	r.action = OCI_SCMP_LOG;
	ok(EXITED(with(&sc, NULL, do_mkdir), ENOENT), "SCMP_ACT_LOG lets the call through");
	static char *gp[] = {"getppid"};
	r = (struct oci_seccomp_rule){.names = gp, .n_names = 1, .action = OCI_SCMP_KILL_PROCESS};
	ok(SIGNALED(with(&sc, NULL, do_getppid), SIGSYS), "SCMP_ACT_KILL_PROCESS");
	r.action = OCI_SCMP_KILL_THREAD;
	ok(SIGNALED(with(&sc, NULL, do_getppid), SIGSYS), "SCMP_ACT_KILL_THREAD");
	r.action = OCI_SCMP_KILL;
	ok(SIGNALED(with(&sc, NULL, do_getppid), SIGSYS), "SCMP_ACT_KILL");
	r.action = OCI_SCMP_TRAP;
	ok(EXITED(with(&sc, NULL, do_trap), 42), "SCMP_ACT_TRAP raises SIGSYS");
	r.action = OCI_SCMP_TRACE;
	r.errno_ret = (opt_u64){true, EXDEV};
	sc.syscalls = &r;
	r.names = names_mkdir;
	r.n_names = 2;
	ok(EXITED(with(&sc, NULL, do_mkdir), ENOSYS), "SCMP_ACT_TRACE without a tracer: ENOSYS");
	/* allow-list: default errno, the rule allows */
	/* sigaltstack and gettid: the ASan/UBSan runtime's interceptors call them in
	 * the child (make check SANITIZE=1); denied, it aborts instead of exiting */
	static char *allowed[] = {"exit_group",	  "exit",	 "mkdirat", "mkdir",
				  "rt_sigreturn", "sigaltstack", "gettid"};
	r = (struct oci_seccomp_rule){
	    .names = allowed, .n_names = ARRAY_SIZE(allowed), .action = OCI_SCMP_ALLOW};
	sc = profile(OCI_SCMP_ERRNO, &r, 1);
	sc.default_errno_ret = (opt_u64){true, EXDEV};
	ok(EXITED(with(&sc, NULL, do_mkdir), ENOENT),
	   "default SCMP_ACT_ERRNO, allowed call passes");
	ok(EXITED(with(&sc, NULL, do_getppid_err), EXDEV),
	   "default SCMP_ACT_ERRNO(errnoRet): others fail");
}

static void test_args(void)
{
	static char *ls[] = {"lseek"};
	struct oci_seccomp_arg and[] = {{0, 99, 0, OCI_SCMP_CMP_EQ},
					{2, SEEK_CUR, 0, OCI_SCMP_CMP_EQ}};
	struct oci_seccomp_rule r = {.names = ls,
				     .n_names = 1,
				     .action = OCI_SCMP_ERRNO,
				     .errno_ret = {true, EXDEV},
				     .args = and,
				     .n_args = 2};
	struct oci_seccomp sc = profile(OCI_SCMP_ALLOW, &r, 1);
	ok(EXITED(with(&sc, NULL, do_lseek_and), 0), "conditions on different args: AND");
	struct oci_seccomp_arg or [] = {{0, 98, 0, OCI_SCMP_CMP_EQ}, {0, 99, 0, OCI_SCMP_CMP_EQ}};
	r.args = or ;
	ok(EXITED(with(&sc, NULL, do_lseek_or), 0), "conditions repeating an index: OR (runc)");
	struct oci_seccomp_arg m[] = {{0, 96, 0, OCI_SCMP_CMP_EQ},
				      {1, 0xff, 0x34, OCI_SCMP_CMP_MASKED_EQ}};
	r.args = m;
	ok(EXITED(with(&sc, NULL, do_masked), 0), "SCMP_CMP_MASKED_EQ (value = mask, valueTwo)");
}

static void test_names_arches_flags(void)
{
	static char *names[] = {"no_such_syscall_xyz", "mkdirat", "mkdir"};
	struct oci_seccomp_rule r = {
	    .names = names, .n_names = 3, .action = OCI_SCMP_ERRNO, .errno_ret = {true, EXDEV}};
	struct oci_seccomp sc = profile(OCI_SCMP_ALLOW, &r, 1);
	ok(EXITED(with(&sc, NULL, do_mkdir), EXDEV), "unknown syscall names are ignored");
	static char *arches[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
	sc.architectures = arches;
	sc.n_architectures = 3;
	ok(EXITED(with(&sc, NULL, do_mkdir), EXDEV), "architectures x86_64, x86, x32");
	static char *bad_arch[] = {"SCMP_ARCH_BOGUS"};
	sc.architectures = bad_arch;
	sc.n_architectures = 1;
	struct vps_seccomp *s;
	vps_err e = {0};
	ok(vps_seccomp_prepare(&sc, NULL, &s, &e) == -EINVAL &&
	       strstr(e.msg, "unknown architecture SCMP_ARCH_BOGUS"),
	   "unknown architecture: %s", e.msg);
	sc.n_architectures = 0;
	static char *flags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
				"SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
	sc.flags = flags;
	sc.n_flags = 3;
	ok(EXITED(with(&sc, NULL, do_mkdir), EXDEV), "flags TSYNC, LOG, SPEC_ALLOW");
	static char *bad_flag[] = {"SECCOMP_FILTER_FLAG_BOGUS"};
	sc.flags = bad_flag;
	sc.n_flags = 1;
	vps_err_clear(&e);
	ok(vps_seccomp_prepare(&sc, NULL, &s, &e) < 0 && strstr(e.msg, "unknown flag"),
	   "unknown flag: %s", e.msg);
	sc.n_flags = 0;
	sc.default_action = OCI_SCMP_NOTIFY;
	vps_err_clear(&e);
	ok(vps_seccomp_prepare(&sc, NULL, &s, &e) < 0 && strstr(e.msg, "cannot be the default"),
	   "NOTIFY as the default action: %s", e.msg);
	static char *wr[] = {"read", "write"};
	struct oci_seccomp_rule w = {.names = wr, .n_names = 2, .action = OCI_SCMP_NOTIFY};
	sc = profile(OCI_SCMP_ALLOW, &w, 1);
	vps_err_clear(&e);
	ok(vps_seccomp_prepare(&sc, NULL, &s, &e) < 0 && strstr(e.msg, "cannot be used for write"),
	   "NOTIFY on write (runc refuses it too): %s", e.msg);
	s = (struct vps_seccomp *)1;
	ok(vps_seccomp_prepare(NULL, NULL, &s, &e) == 0 && s == NULL, "no profile: nothing");
}

/* An allow-list of every syscall this libseccomp knows except mkdir/mkdirat:
 * a few hundred rules, built as a binary tree. */
static void test_large(void)
{
	static char *names[1024];
	size_t n = 0;
	for (int nr = 0; nr < 1024 && n < 1024; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (!name)
			continue;
		if (!strcmp(name, "mkdir") || !strcmp(name, "mkdirat")) {
			free(name);
			continue;
		}
		names[n++] = name;
	}
	struct oci_seccomp_rule r = {.names = names, .n_names = n, .action = OCI_SCMP_ALLOW};
	struct oci_seccomp sc = profile(OCI_SCMP_ERRNO, &r, 1);
	sc.default_errno_ret = (opt_u64){true, EXDEV};
	ok(n > 300, "%zu syscalls in the allow-list", n);
	ok(EXITED(with(&sc, NULL, do_mkdir), EXDEV), "large allow-list: mkdir denied");
	ok(EXITED(with(&sc, NULL, do_lseek_or), 1), "large allow-list: lseek allowed (EBADF)");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
}

/* The cache: a second prepare reads the file (shown by tampering with the
 * stored BPF's errno), a changed profile gets another file, a corrupt or
 * symlinked file is never used. */
static void test_cache(void)
{
	char dir[] = "/tmp/vps-seccomp-test.XXXXXX";
	if (!mkdtemp(dir))
		return;
	char cache[64];
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	struct oci_seccomp_rule r = {.names = names_mkdir,
				     .n_names = 2,
				     .action = OCI_SCMP_ERRNO,
				     .errno_ret = {true, EXDEV}};
	struct oci_seccomp sc = profile(OCI_SCMP_ALLOW, &r, 1);
	ok(EXITED(with(&sc, cache, do_mkdir), EXDEV), "cache miss: compiled");
	char cmd[512], file[256] = "";
	snprintf(cmd, sizeof(cmd), "ls %s/*.bpf", cache);
	FILE *f = popen(cmd, "r");
	if (f && fgets(file, sizeof(file), f))
		file[strcspn(file, "\n")] = '\0';
	if (f)
		pclose(f);
	struct stat st;
	ok(stat(file, &st) == 0 && (st.st_mode & 0777) == 0600, "cache file %s is 0600", file);
	ok(stat(cache, &st) == 0 && (st.st_mode & 0777) == 0700, "cache dir is 0700");
	/* tamper: EXDEV (18) -> EMLINK (31) in the stored BPF's return value */
	snprintf(cmd, sizeof(cmd),
		 "perl -0777 -pi -e 's/\\x12\\x00\\x05\\x00/\\x1f\\x00\\x05\\x00/' %s", file);
	ok(system(cmd) == 0, "tamper with the cached BPF");
	ok(EXITED(with(&sc, cache, do_mkdir), EMLINK), "cache hit: the stored BPF is used");
	/* a corrupt file (truncated) is ignored and replaced */
	ok(truncate(file, 20) == 0, "truncate the cache file");
	ok(EXITED(with(&sc, cache, do_mkdir), EXDEV), "corrupt cache file ignored");
	/* a symlink planted as the cache file is not followed */
	char target[128];
	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	unlink(file);
	ok(symlink(target, file) == 0, "plant a symlink as the cache file");
	ok(EXITED(with(&sc, cache, do_mkdir), EXDEV), "symlinked cache file: compiled instead");
	ok(access(target, F_OK) < 0, "nothing written through the symlink");
	/* another profile: another entry */
	r.errno_ret.v = EMLINK;
	ok(EXITED(with(&sc, cache, do_mkdir), EMLINK), "changed profile compiles anew");
	/* bounded: 64 entries or more and the next store starts afresh */
	snprintf(cmd, sizeof(cmd), "cd %s && for i in $(seq 1 70); do echo x >old$i.bpf; done",
		 cache);
	ok(system(cmd) == 0, "fill the cache with 70 stale entries");
	r.errno_ret.v = ENOTDIR;
	ok(EXITED(with(&sc, cache, do_mkdir), ENOTDIR), "another profile compiles");
	snprintf(cmd, sizeof(cmd), "test $(ls %s | wc -l) -eq 1", cache);
	ok(system(cmd) == 0, "the full cache was emptied before the new entry");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ok(system(cmd) == 0, "cleanup");
}

/* SCMP_ACT_NOTIFY: the child installs the filter and hands the listener to an
 * agent (this process) through vps_seccomp_send_listener; the agent answers
 * the child's mkdir with EXDEV. */
static int notify_child(const struct vps_seccomp *s, const struct oci_seccomp *sc)
{
	vps_err e = {0};
	int lfd;
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (vps_seccomp_install(s, &lfd, &e) < 0 || lfd < 0)
		return 200;
	if (vps_seccomp_send_listener(sc, lfd,
				      "{\"ociVersion\":\"1.2.0\",\"id\":\"sc-t\","
				      "\"status\":\"creating\",\"pid\":4242,\"bundle\":\"/b\"}",
				      &e) < 0)
		return 201;
	close(lfd);
	return do_mkdir();
}

static void test_notify(void)
{
	char path[] = "/tmp/vps-seccomp-notify.XXXXXX";
	int tmp = mkstemp(path);
	close(tmp);
	unlink(path);
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	strcpy(sa.sun_path, path);
	ok(bind(ls, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(ls, 1) == 0,
	   "agent listens");
	struct oci_seccomp_rule r = {.names = names_mkdir, .n_names = 2, .action = OCI_SCMP_NOTIFY};
	struct oci_seccomp sc = profile(OCI_SCMP_ALLOW, &r, 1);
	sc.listener_path = path;
	sc.listener_metadata = "meta-data";
	static char *fl[] = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
	sc.flags = fl;
	sc.n_flags = 1;
	struct vps_seccomp *s;
	vps_err e = {0};
	ok(vps_seccomp_prepare(&sc, NULL, &s, &e) == 0, "prepare a NOTIFY profile %s", e.msg);
	pid_t p = fork();
	if (p == 0)
		_exit(notify_child(s, &sc));
	int c = accept(ls, NULL, NULL);
	char buf[4096] = {0};
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr a;
	} u;
	struct iovec iov = {buf, sizeof(buf) - 1};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof(u.b)};
	ssize_t n = recvmsg(c, &mh, 0);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	int fd = -1;
	if (n > 0 && cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	ok(fd >= 0, "agent got the listener fd");
	ok(strstr(buf, "\"fds\":[\"seccompFd\"]") && strstr(buf, "\"pid\":4242") &&
	       strstr(buf, "\"metadata\":\"meta-data\"") && strstr(buf, "\"id\":\"sc-t\""),
	   "containerProcessState: %s", buf);
	struct seccomp_notif req = {0};
	struct seccomp_notif_resp resp = {0};
	int rr = ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req);
	ok(rr == 0 && (req.data.nr == SYS_mkdir || req.data.nr == SYS_mkdirat),
	   "agent received the mkdir notification");
	resp.id = req.id;
	resp.error = -EXDEV;
	ok(ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0, "agent answered");
	int st;
	waitpid(p, &st, 0);
	ok(EXITED(st, EXDEV), "the container's mkdir got the agent's answer");
	close(fd);
	close(c);
	close(ls);
	unlink(path);
	vps_seccomp_free(s);
}

int main(void)
{
	if (geteuid() != 0)
		printf("# not root: filters still install thanks to no_new_privs\n");
	test_actions();
	test_args();
	test_names_arches_flags();
	test_large();
	test_cache();
	test_notify();
	return done_testing();
}
