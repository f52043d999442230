/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One sample of a cgroup's counters (runc's `events --stats` shape; `vps
 * stats`): data only, part of the runtime API (runtime/runtime.h includes it),
 * filled by vps_cgroup_stats / vps_stats. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vps_psi_line {
	bool set;
	double avg10, avg60, avg300;
	uint64_t total; /* us */
};
struct vps_psi {
	bool set;
	struct vps_psi_line some, full;
};
struct vps_blkio_entry {
	uint64_t major, minor;
	char op[8]; /* "Read", "Write", ... */
	uint64_t value;
};
struct vps_hugetlb_stat {
	char page_size[16];
	uint64_t usage, max, failcnt;
};
struct vps_mem_entry {
	uint64_t usage, max, limit, failcnt;
};
struct vps_stat_kv {
	char name[48];
	uint64_t value;
};

struct vps_cgroup_stats {
	struct {
		bool set;
		uint64_t total, user, kernel; /* ns */
		uint64_t *percpu;
		size_t n_percpu;
		uint64_t periods, throttled_periods, throttled_time; /* time in ns */
		struct vps_psi psi;
	} cpu;
	struct {
		bool set;
		uint64_t cache;
		struct vps_mem_entry usage, swap, kernel; /* limit UINT64_MAX: none */
		struct vps_stat_kv *raw;
		size_t n_raw; /* memory.stat */
		uint64_t oom_kills;
		struct vps_psi psi;
	} memory;
	struct {
		bool set;
		uint64_t current, limit; /* limit 0: none */
	} pids;
	struct {
		bool set;
		struct vps_blkio_entry *bytes, *ios;
		size_t n_bytes, n_ios; /* *_recursive */
		struct vps_psi psi;
	} blkio;
	struct vps_hugetlb_stat *hugetlb;
	size_t n_hugetlb;
};
