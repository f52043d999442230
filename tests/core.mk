# Test helpers of the core (lifecycle) suites.
test-tools: $(B)/tests/recvtty
$(B)/tests/recvtty: tests/tools/recvtty.c
	@mkdir -p $(dir $@)
	$(CC) $(VPS_CFLAGS) $(CFLAGS) -o $@ $<
test-tools: $(B)/tests/exe_watch
$(B)/tests/exe_watch: tests/tools/exe_watch.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o $@ $<
test-tools: $(B)/tests/sysinfo_probe
$(B)/tests/sysinfo_probe: tests/tools/sysinfo_probe.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o $@ $<
