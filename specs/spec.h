/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Typed model of OCI runtime-spec 1.2 config.json (the parts a Linux runtime uses).
 * specs/ parses and validates it completely before anything touches the host.
 * Every string is owned by the spec and freed by oci_spec_free(). Arrays are
 * (pointer, count) pairs. Optional scalars use the opt_* wrappers. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/err.h"

typedef struct {
	bool set;
	int64_t v;
} opt_i64;
typedef struct {
	bool set;
	uint64_t v;
} opt_u64;
typedef struct {
	bool set;
	bool v;
} opt_bool;

struct oci_kv {
	char *key, *value;
}; /* annotations, sysctl, unified, env-like maps */

struct oci_idmap {
	uint32_t container_id, host_id, size;
};
/* m[0..n) as /proc/PID/uid_map text ("C H S\n" lines) in buf: its length, or
 * -E2BIG if it does not fit in cap bytes. */
int oci_idmap_format(const struct oci_idmap *m, size_t n, char *buf, size_t cap);
/* The host id that container id maps to in m[0..n) (false: unmapped). */
bool oci_idmap_to_host(const struct oci_idmap *m, size_t n, uint32_t id, uint32_t *host);

struct oci_mount {
	char *destination; /* absolute */
	char *source;	   /* may be NULL */
	char *type;	   /* may be NULL (bind) */
	char **options;
	size_t n_options;
	struct oci_idmap *uid_mappings;
	size_t n_uid_mappings;
	struct oci_idmap *gid_mappings;
	size_t n_gid_mappings;
};

struct oci_rlimit {
	int resource; /* RLIMIT_* */
	char *type;   /* "RLIMIT_NOFILE" */
	uint64_t hard, soft;
};

struct oci_user {
	uint32_t uid, gid;
	opt_u64 umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username; /* informational (Windows field), may be NULL */
};

/* Capability sets as bit masks over CAP_* numbers (libcap cap_from_name). */
struct oci_caps {
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct oci_scheduler {
	bool set;
	int policy; /* SCHED_OTHER, SCHED_FIFO, ... */
	int32_t nice, priority;
	uint32_t flags; /* SCHED_FLAG_* bits */
	uint64_t runtime, deadline, period;
};

struct oci_io_priority {
	bool set;
	int klass; /* IOPRIO_CLASS_RT/BE/IDLE */
	int priority;
};

struct oci_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height, console_width;
	struct oci_user user;
	char **args;
	size_t n_args;
	char **env;
	size_t n_env;
	char *cwd; /* absolute */
	bool has_caps;
	struct oci_caps caps;
	struct oci_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile, *selinux_label;
	opt_i64 oom_score_adj;
	struct oci_scheduler scheduler;
	struct oci_io_priority io_priority;
};

enum oci_ns_type {
	OCI_NS_PID,
	OCI_NS_NETWORK,
	OCI_NS_MOUNT,
	OCI_NS_IPC,
	OCI_NS_UTS,
	OCI_NS_USER,
	OCI_NS_CGROUP,
	OCI_NS_TIME,
	OCI_NS_MAX
};

struct oci_namespace {
	bool present;
	char *path; /* NULL: create new */
};

struct oci_time_offset {
	bool set;
	int64_t secs;
	uint32_t nanosecs;
};

struct oci_device {
	char *path;
	char type; /* 'c','b','u','p' */
	int64_t major, minor;
	opt_u64 file_mode, uid, gid;
};

/* ---- resources (linux.resources) ---- */
struct oci_device_rule {
	bool allow;
	char type;	      /* 'a','c','b' */
	int64_t major, minor; /* -1 = '*' */
	char access[4];
};
struct oci_memory {
	opt_i64 limit, reservation, swap, kernel, kernel_tcp;
	opt_u64 swappiness;
	opt_bool disable_oom_killer, use_hierarchy, check_before_update;
};
struct oci_cpu {
	opt_u64 shares, period, burst, realtime_period;
	opt_i64 quota, realtime_runtime, idle;
	char *cpus, *mems;
};
struct oci_weight_device {
	int64_t major, minor;
	opt_u64 weight, leaf_weight;
};
struct oci_throttle_device {
	int64_t major, minor;
	uint64_t rate;
};
struct oci_blockio {
	opt_u64 weight, leaf_weight;
	struct oci_weight_device *weight_device;
	size_t n_weight_device;
	struct oci_throttle_device *throttle_read_bps, *throttle_write_bps, *throttle_read_iops,
	    *throttle_write_iops;
	size_t n_throttle_read_bps, n_throttle_write_bps, n_throttle_read_iops,
	    n_throttle_write_iops;
};
struct oci_hugepage_limit {
	char *page_size;
	uint64_t limit;
};
struct oci_net_priority {
	char *name;
	uint32_t priority;
};
struct oci_rdma {
	char *device;
	opt_u64 hca_handles, hca_objects;
};

struct oci_resources {
	struct oci_device_rule *devices;
	size_t n_devices;
	bool has_memory;
	struct oci_memory memory;
	bool has_cpu;
	struct oci_cpu cpu;
	opt_i64 pids_limit;
	bool has_blockio;
	struct oci_blockio blockio;
	struct oci_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	opt_u64 net_class_id;
	struct oci_net_priority *net_priorities;
	size_t n_net_priorities;
	struct oci_rdma *rdma;
	size_t n_rdma;
	struct oci_kv *unified;
	size_t n_unified;
};

/* ---- seccomp (linux.seccomp) ---- */
enum oci_seccomp_action {
	OCI_SCMP_KILL,
	OCI_SCMP_KILL_PROCESS,
	OCI_SCMP_KILL_THREAD,
	OCI_SCMP_TRAP,
	OCI_SCMP_ERRNO,
	OCI_SCMP_TRACE,
	OCI_SCMP_ALLOW,
	OCI_SCMP_LOG,
	OCI_SCMP_NOTIFY
};
enum oci_seccomp_op {
	OCI_SCMP_CMP_NE,
	OCI_SCMP_CMP_LT,
	OCI_SCMP_CMP_LE,
	OCI_SCMP_CMP_EQ,
	OCI_SCMP_CMP_GE,
	OCI_SCMP_CMP_GT,
	OCI_SCMP_CMP_MASKED_EQ
};
struct oci_seccomp_arg {
	uint32_t index;
	uint64_t value, value_two;
	enum oci_seccomp_op op;
};
struct oci_seccomp_rule {
	char **names;
	size_t n_names;
	enum oci_seccomp_action action;
	opt_u64 errno_ret; /* for ERRNO / TRACE */
	struct oci_seccomp_arg *args;
	size_t n_args;
};
struct oci_seccomp {
	enum oci_seccomp_action default_action;
	opt_u64 default_errno_ret;
	char **architectures;
	size_t n_architectures; /* "SCMP_ARCH_X86_64", ... */
	char **flags;
	size_t n_flags; /* "SECCOMP_FILTER_FLAG_LOG", ... */
	char *listener_path, *listener_metadata;
	struct oci_seccomp_rule *syscalls;
	size_t n_syscalls;
};

struct oci_personality {
	bool set;
	unsigned long domain; /* PER_LINUX / PER_LINUX32 */
	char **flags;
	size_t n_flags;
};

struct oci_linux {
	struct oci_namespace namespaces[OCI_NS_MAX];
	struct oci_idmap *uid_mappings;
	size_t n_uid_mappings;
	struct oci_idmap *gid_mappings;
	size_t n_gid_mappings;
	struct oci_time_offset time_monotonic, time_boottime;
	struct oci_device *devices;
	size_t n_devices;
	char *cgroups_path; /* NULL: runtime default */
	bool has_resources;
	struct oci_resources resources;
	struct oci_kv *sysctl;
	size_t n_sysctl;
	struct oci_seccomp *seccomp;	  /* NULL: no seccomp */
	unsigned long rootfs_propagation; /* MS_* flags, 0 when unset */
	char **masked_paths;
	size_t n_masked_paths;
	char **readonly_paths;
	size_t n_readonly_paths;
	char *mount_label;
	struct oci_personality personality;
};

struct oci_hook {
	char *path;
	char **args;
	size_t n_args;
	char **env;
	size_t n_env;
	opt_i64 timeout;
};
enum oci_hook_kind {
	OCI_HOOK_PRESTART,
	OCI_HOOK_CREATE_RUNTIME,
	OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER,
	OCI_HOOK_POSTSTART,
	OCI_HOOK_POSTSTOP,
	OCI_HOOK_MAX
};
struct oci_hooks {
	struct oci_hook *list[OCI_HOOK_MAX];
	size_t n[OCI_HOOK_MAX];
};

struct oci_spec {
	char *oci_version;
	char *root_path; /* as written (relative to the bundle or absolute) */
	bool root_readonly;
	struct oci_mount *mounts;
	size_t n_mounts;
	struct oci_process *process; /* NULL when absent */
	char *hostname, *domainname;
	struct oci_hooks hooks;
	struct oci_kv *annotations;
	size_t n_annotations;
	bool has_linux;
	struct oci_linux lx; /* "linux" is a predefined macro in gnu11 */
};

/* Parse and validate a whole config.json text. Errors read
 * "config.json: .linux.namespaces[2].type: unknown namespace \"pidd\"". */
int oci_spec_parse(const char *json, size_t len, struct oci_spec **out, vps_err *err);
/* Read and parse DIR/config.json (bundle_dir may be relative). */
int oci_spec_load(const char *bundle_dir, struct oci_spec **out, vps_err *err);
/* BUNDLE_DIR/config.json's bytes (malloc'ed, NUL-terminated), at most 16 MiB. */
int oci_spec_read(const char *bundle_dir, char **json, size_t *len, vps_err *err);
void oci_spec_free(struct oci_spec *spec);
/* Set the member at path (depth object keys, e.g. linux, resources, memory,
 * limit) of the JSON document text to value (JSON text), keeping every other
 * byte: an existing value's bytes are replaced; a missing member (and the
 * missing objects above it) is inserted first in the deepest object there,
 * indented like that object's first member (specs/jsplice.c). The result is
 * checked with json-c; *out is malloc'ed and NUL-terminated. */
int oci_json_set(const char *text, size_t len, const char *const *path, size_t depth,
		 const char *value, char **out, size_t *outlen, vps_err *err);

/* `exec --process FILE` (a process object) and `update -r FILE` (a resources object). */
int oci_process_parse(const char *json, size_t len, struct oci_process **out, vps_err *err);
void oci_process_free(struct oci_process *p);
int oci_resources_parse(const char *json, size_t len, struct oci_resources **out, vps_err *err);
void oci_resources_free(struct oci_resources *r);

/* Look-ups used all over. */
const char *oci_annotation(const struct oci_spec *spec, const char *key); /* NULL if absent */
/* The value of key in an annotations-like map (state.json's too), NULL if absent */
const char *oci_kv_get(const struct oci_kv *kv, size_t n, const char *key);
const char *oci_ns_name(enum oci_ns_type t); /* "pid", "network", ... */
int oci_ns_clone_flag(enum oci_ns_type t);   /* CLONE_NEWPID, ... */
/* The names the linux.seccomp parser accepts, per table (for `vps features`). */
enum oci_seccomp_table {
	OCI_SECCOMP_ACTIONS,
	OCI_SECCOMP_OPS,
	OCI_SECCOMP_ARCHES,
	OCI_SECCOMP_FLAGS
};
const char *const *oci_seccomp_names(enum oci_seccomp_table t, size_t *n);

/* The default config (runc spec equivalent; rootless variant), as JSON text (malloc'ed). */
char *oci_spec_default_json(bool rootless);
