# rootfs test tools (built by `make test-tools`).
test-tools: $(B)/tests/rootfs_run
$(B)/tests/rootfs_run: tests/tools/rootfs_run.c $(LIBVPS)
	@mkdir -p $(dir $@)
	$(CC) $(VPS_CFLAGS) $(CFLAGS) $(VPS_LDFLAGS) -o $@ $< $(LIBVPS) $(PKG_LIBS)
