# rootfs test tools (built by `make test-tools`).
test-tools: $(B)/tests/rootfs_run
$(B)/tests/rootfs_run: tests/tools/rootfs_run.c $(LIBVPS)
	@mkdir -p $(dir $@)
	$(CC) $(VPS_CFLAGS) $(CFLAGS) $(VPS_LDFLAGS) -o $@ $< $(LIBVPS) $(PKG_LIBS)

# A static binary so it runs inside a busybox rootfs.
test-tools: $(B)/tests/chroot_escape
$(B)/tests/chroot_escape: tests/tools/chroot_escape.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -static -o $@ $<

test-tools: $(B)/tests/seccomp_agent
$(B)/tests/seccomp_agent: tests/tools/seccomp_agent.c
	@mkdir -p $(dir $@)
	$(CC) $(VPS_CFLAGS) $(CFLAGS) -o $@ $<

test-tools: $(B)/tests/rawsyscall
$(B)/tests/rawsyscall: tests/tools/rawsyscall.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -static -D_GNU_SOURCE -o $@ $<
test-tools: $(B)/tests/disk_resize
$(B)/tests/disk_resize: tests/tools/disk_resize.c $(LIBVPS)
	@mkdir -p $(dir $@)
	$(CC) $(VPS_CFLAGS) $(CFLAGS) $(VPS_LDFLAGS) -o $@ $< $(LIBVPS) $(PKG_LIBS)
