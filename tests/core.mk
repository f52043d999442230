# Test helpers of the core (lifecycle) suites.
test-tools: $(B)/tests/recvtty
$(B)/tests/recvtty: tests/tools/recvtty.c
	@mkdir -p $(dir $@)
	$(CC) $(VPS_CFLAGS) $(CFLAGS) -o $@ $<
