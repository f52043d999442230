# Benchmark against crun and runc (bench/bench.sh; results in bench/out/).
#   make bench         full run (< ~10 min), then update bench/RESULTS.md by hand
#   make bench-smoke   quick mode: checks the harness works (used by make check)
BENCH_TOOLS := $(B)/bench/timeit $(B)/bench/floor $(B)/bench/sysloop $(B)/bench/procread
BENCH_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE

.PHONY: bench bench-smoke bench-tools bench-profile bench-checkpoint bench-migrate
bench-tools: $(BENCH_TOOLS)

$(B)/bench/timeit: bench/timeit.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $<
$(B)/bench/floor: bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $<
# static, so it runs unchanged in the busybox rootfs
$(B)/bench/sysloop: bench/sysloop.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -static -o $@ $< -lseccomp

$(B)/bench/procread: bench/procread.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -static -o $@ $<

# what a VPS's /proc view costs per read, host vs VPS vs VPS with lxcfs (issue 18)
.PHONY: bench-procview
bench-procview: all bench-tools test-tools
	@$(B)/tests/subreaper bash bench/procview.sh

bench: all test-tools bench-tools
	@bash mk/deps.sh mk/packages/bench.list
	@$(B)/tests/subreaper bash bench/bench.sh full
bench-smoke: all test-tools bench-tools
	@$(B)/tests/subreaper bash bench/bench.sh smoke

# the smoke suite (tests/suites/bench-smoke.sh) needs the tools too
test-tools: bench-tools
# where the time goes: strace, perf, ltrace, callgrind per runtime -> bench/out/profile/
bench-profile: all test-tools bench-tools
	@bash mk/deps.sh mk/packages/bench.list
	@$(B)/tests/subreaper bash bench/bench.sh profile

# checkpoint and restore of a busybox counter through CRIU (bench/checkpoint.sh)
bench-checkpoint: all test-tools
	@$(B)/tests/subreaper bash bench/checkpoint.sh

# vps migrate live and offline of busybox and systemd VPSes holding 64 and 512 MiB (bench/migrate.sh)
bench-migrate: all test-tools
	@$(B)/tests/subreaper bash bench/migrate.sh

# a --vm VPS's root: virtio-blk image vs 9p (issue 18; QEMU: under the shared lock)
.PHONY: bench-disk-vm
bench-disk-vm: all test-tools bench-tools
	@$(B)/tests/subreaper bash bench/disk-vm.sh
