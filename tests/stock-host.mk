# make test-stock-host: the full podman, containerd and docker harnesses with
# the systemd cgroup driver, each with runc and with ./vps, in the stock
# Debian 12 QEMU guest (tests/suites/stock-host.sh). Bounded: STOCK_DEADLINE
# seconds per harness run (default 1800), the guest killed after the six runs'
# budget plus 15 minutes (at most about 3.5 hours). `make check` runs its small subset. The output is
# kept in build/test-logs/stock-host-full.log. STOCK_RUNC=failed: runc only on the
# cases vps failed (about half the time); see HACKING.md for the other knobs.
.PHONY: test-stock-host
test-stock-host: all test-tools
	@mkdir -p $(B)/test-logs
	@STOCK_FULL=1 bash -o pipefail -c '$(B)/tests/subreaper bash tests/suites/stock-host.sh \
		</dev/null 2>&1 | tee $(B)/test-logs/stock-host-full.log'
