/* SPDX-License-Identifier: GPL-2.0-or-later */
/* state.json round trip, parse errors, and the store (create/lock/list/remove). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "runtime/status.h"
#include "runtime/store.h"
#include "specs/state.h"
#include "tap.h"

static void round_trip(void)
{
	vps_err err = {0};
	struct oci_kv ann[] = {{"org.example/a", "1"}, {"b", "two \"quoted\""}};
	struct vps_state st = {
	    .oci_version = "1.2.0",
	    .id = "web1",
	    .status = VPS_RUNNING,
	    .pid = 4242,
	    .pid_start = 18446744073709551615ULL,
	    .bundle = "/srv/b",
	    .rootfs = "/srv/b/rootfs",
	    .created = "2026-11-21T18:00:00.123456789Z",
	    .owner = 1000,
	    .cgroup_path = "/vps/web1",
	    .systemd_cgroup = true,
	    .exit_status = 137,
	    .annotations = ann,
	    .n_annotations = 2,
	    .extra = json_tokener_parse("{\"net\":{\"ip\":\"10.0.0.2\"}}"),
	};
	char *json = vps_state_to_json(&st);
	ok(json != NULL, "to_json");
	struct vps_state *got = NULL;
	is_int(vps_state_from_json(json, strlen(json), &got, &err), 0, "from_json: %s", err.msg);
	if (!got)
		return;
	is_str(got->oci_version, "1.2.0", "ociVersion");
	is_str(got->id, "web1", "id");
	is_int(got->status, VPS_RUNNING, "status");
	is_int(got->pid, 4242, "pid");
	ok(got->pid_start == st.pid_start, "pidStart (full u64)");
	is_str(got->bundle, "/srv/b", "bundle");
	is_str(got->rootfs, "/srv/b/rootfs", "rootfs");
	is_str(got->created, st.created, "created");
	is_int(got->owner, 1000, "owner");
	is_str(got->cgroup_path, "/vps/web1", "cgroupPath");
	ok(got->systemd_cgroup, "systemdCgroup");
	is_int(got->exit_status, 137, "exitStatus");
	is_int(got->n_annotations, 2, "annotations count");
	is_str(got->annotations[1].value, "two \"quoted\"", "annotation value");
	json_object *ip = NULL;
	ok(got->extra && json_object_object_get_ex(got->extra, "net", &ip), "extra kept");
	char *again = vps_state_to_json(got);
	is_str(again, json, "second round trip is identical");
	char *oci = vps_state_oci_json(got);
	ok(oci && strstr(oci, "\"pid\":4242") && !strstr(oci, "pidStart"), "OCI state: %s", oci);
	free(oci);
	free(again);
	free(json);
	vps_state_free(got);
	json_object_put(st.extra);
}

static void parse_errors(void)
{
	static const struct {
		const char *json, *want;
	} cases[] = {
	    {"{\"id\":\"a\"}", "state.json: .status: required"},
	    {"{\"id\":\"a\",\"status\":\"zombie\"}", ".status: unknown status \"zombie\""},
	    {"{\"id\":\"a\",\"status\":\"running\",\"pid\":\"12\"}",
	     ".pid: expected an integer, got \"12\""},
	    {"{\"id\":\"a\",\"status\":\"running\",\"pid\":-3}", ".pid: integer -3 out of range"},
	    {"[1]", "state.json: expected a JSON object"},
	    {"{\"id\":", "invalid JSON"},
	    {"{} x", "invalid JSON at byte 3"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vps_err err = {0};
		struct vps_state *st = NULL;
		int r = vps_state_from_json(cases[i].json, strlen(cases[i].json), &st, &err);
		ok(r == -EINVAL && st == NULL && strstr(err.msg, cases[i].want), "rejects %s: %s",
		   cases[i].json, err.msg);
	}
}

static void store(void)
{
	char root[] = "/tmp/vps-unit-state.XXXXXX";
	ok(mkdtemp(root) != NULL, "tmp root");
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/r", root); /* store makes missing roots */
	vps_err err = {0};
	int dfd = -1, lfd = -1;
	is_int(vps_store_create(sub, "web1", &dfd, &lfd, &err), 0, "create: %s", err.msg);
	struct stat sb;
	char p[256];
	snprintf(p, sizeof(p), "%s/web1", sub);
	ok(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0700, "ROOT/ID is 0700");
	int d2 = -1, l2 = -1;
	is_int(vps_store_create(sub, "web1", &d2, &l2, &err), -EEXIST, "second create fails");
	is_str(err.msg, "container \"web1\" already exists", "already exists message");
	struct vps_state *st = NULL;
	is_int(vps_state_load(sub, "web1", &st, &err), 0, "load before save");
	ok(st && st->status == VPS_CREATING, "unsaved container reads as creating");
	is_int(vps_status_live(sub, st), VPS_CREATING, "live: creating while locked");
	vps_state_free(st);
	/* a locker in another process must wait: try a non-blocking check via fork */
	pid_t pid = fork();
	if (pid == 0) {
		int a = -1, b = -1;
		vps_err e2 = {0};
		close(lfd); /* the inherited description would keep our own lock */
		close(dfd);
		alarm(5);
		_exit(vps_store_lock(sub, "web1", &a, &b, &e2) == 0 ? 0 : 1);
	}
	usleep(100000);
	int status = 0;
	is_int(waitpid(pid, &status, WNOHANG), 0, "another process blocks on the lock");
	struct vps_state w = {.id = "web1",
			      .status = VPS_CREATED,
			      .pid = getpid(),
			      .bundle = "/b",
			      .exit_status = -1};
	vps_proc_starttime(getpid(), &w.pid_start, &err);
	is_int(vps_state_save_at(dfd, &w, &err), 0, "save: %s", err.msg);
	close(lfd);
	close(dfd);
	is_int(waitpid(pid, &status, 0), pid, "locker got the lock after release");
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "locker succeeded");
	is_int(vps_state_load(sub, "web1", &st, &err), 0, "load: %s", err.msg);
	ok(st && st->status == VPS_CREATED && st->pid == getpid(), "loaded what was saved");
	is_int(vps_status_live(sub, st), VPS_CREATED, "live: created stays created");
	st->status = VPS_RUNNING;
	is_int(vps_status_live(sub, st), VPS_RUNNING, "live: running while pid matches");
	st->pid_start++;
	is_int(vps_status_live(sub, st), VPS_STOPPED, "live: reused pid (other start) is stopped");
	vps_state_free(st);
	is_int(vps_store_create(sub, "db", &dfd, &lfd, &err), 0, "create db");
	close(dfd);
	close(lfd);
	snprintf(p, sizeof(p), "%s/not-a-dir", sub);
	close(open(p, O_CREAT | O_WRONLY, 0600));
	char **ids = NULL;
	is_int(vps_store_list(sub, &ids, &err), 0, "list");
	ok(ids && ids[0] && ids[1] && !ids[2] && !strcmp(ids[0], "db") && !strcmp(ids[1], "web1"),
	   "list is sorted, directories only");
	for (char **i = ids; i && *i; i++)
		free(*i);
	free(ids);
	snprintf(p, sizeof(p), "%s/web1/sub", sub);
	mkdir(p, 0700);
	is_int(vps_store_remove(sub, "web1", &err), 0, "remove: %s", err.msg);
	is_int(vps_store_remove(sub, "web1", &err), 0, "remove again is fine");
	is_int(vps_state_load(sub, "web1", &st, &err), -ENOENT, "load after remove");
	is_str(err.msg, "container \"web1\" does not exist", "does not exist message");
	is_int(vps_store_lock(sub, "web1", &dfd, &lfd, &err), -ENOENT, "lock after remove");
	is_int(vps_store_create(sub, "../x", &dfd, &lfd, &err), -EINVAL, "bad id refused");
	vps_store_remove(sub, "db", &err);
	unlink(p);
	snprintf(p, sizeof(p), "%s/not-a-dir", sub);
	unlink(p);
	rmdir(sub);
	rmdir(root);
}

/* N processes race to create one id: exactly one wins, the rest get EEXIST. */
static void race(void)
{
	char root[] = "/tmp/vps-unit-race.XXXXXX";
	ok(mkdtemp(root) != NULL, "tmp root");
	enum { N = 8 };
	pid_t kids[N];
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			int d = -1, l = -1;
			vps_err e = {0};
			int r = vps_store_create(root, "race", &d, &l, &e);
			_exit(r == 0 ? 0 : r == -EEXIST ? 1 : 2);
		}
	}
	int wins = 0, exists = 0;
	for (int i = 0; i < N; i++) {
		int status = 0;
		waitpid(kids[i], &status, 0);
		wins += WIFEXITED(status) && WEXITSTATUS(status) == 0;
		exists += WIFEXITED(status) && WEXITSTATUS(status) == 1;
	}
	is_int(wins, 1, "exactly one of %d concurrent creates wins", N);
	is_int(exists, N - 1, "the others get EEXIST");
	vps_err err = {0};
	vps_store_remove(root, "race", &err);
	rmdir(root);
}

/* "created": the hand-made civil date agrees with gmtime_r over leap years,
 * century rules (2100 is not a leap year, 2000 and 2400 are) and month ends */
static void rfc3339(void)
{
	const long long days[] = {0,	 59,	60,    365,   10957,  11016,  11017,  11322,
				  20413, 47482, 47541, 47542, 157857, 157916, 157917, 2932896};
	int bad = 0;
	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++)
		for (long long sec = 0; sec < 86400; sec += 86399 / 3) {
			struct timespec ts = {.tv_sec = (time_t)(days[i] * 86400 + sec),
					      .tv_nsec = 5};
			struct tm tm;
			char want[80];
			gmtime_r(&ts.tv_sec, &tm);
			strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S.000000005Z", &tm);
			char *got = vps_rfc3339(ts);
			if (!got || strcmp(got, want)) {
				printf("# day %lld sec %lld: got %s, want %s\n", days[i], sec, got,
				       want);
				bad++;
			}
			free(got);
		}
	is_int(bad, 0, "rfc3339 matches gmtime_r on %zu days", sizeof(days) / sizeof(days[0]));
	char *now = vps_now_rfc3339();
	ok(now && strlen(now) == 30 && now[29] == 'Z', "now: %s", now ? now : "(null)");
	free(now);
}

int main(void)
{
	rfc3339();
	race();
	round_trip();
	parse_errors();
	store();
	return done_testing();
}
