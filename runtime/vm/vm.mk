# runtime/vm: the static guest init (musl if available, else glibc -static),
# embedded into libvps; liblzma (dlopen) for extracting a Debian vmlinux; `make vm-kernel`.
GUEST_CC   := $(shell command -v musl-gcc 2>/dev/null || echo $(CC))
GUEST_SRCS := $(wildcard runtime/vm/guest/*.c) runtime/vm/wire.c util/io.c util/fmt.c
GUEST_INIT := $(B)/runtime/vm/vps-init
VM_BLOB    := $(B)/runtime/vm/guest_blob.o

$(GUEST_INIT): $(GUEST_SRCS) $(wildcard runtime/vm/guest/*.h) runtime/vm/proto.h runtime/vm/wire.h util/io.h util/fmt.h
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@ ($(notdir $(GUEST_CC)) -static)"
	@$(GUEST_CC) -static -Os -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I. -o $@ $(GUEST_SRCS)
	@strip $@

$(VM_BLOB): runtime/vm/guest_blob.S $(GUEST_INIT)
	@echo "  AS      $<"
	@$(CC) -c -DGUEST_INIT='"$(GUEST_INIT)"' $< -o $@

$(LIBVPS): $(VM_BLOB)

.PHONY: vm-kernel
# The small guest kernel (slow: build once; `make check` never needs it).
vm-kernel:
	@bash runtime/vm/build-kernel.sh

# Test driver: the VM internals without the lifecycle (tests/vm-internal.bats).
test-tools: $(B)/tests/vm_run
$(B)/tests/vm_run: tests/tools/vm_run.c $(LIBVPS)
	@mkdir -p $(dir $@)
	@$(CC) $(VPS_CFLAGS) $(CFLAGS) $(VPS_LDFLAGS) -o $@ $< $(LIBVPS) $(PKG_LIBS)

.PHONY: bench-vm
# Boot-to-exit of `vps run --vm` next to the container mode (bench/vm.sh).
bench-vm: all test-tools bench-tools
	@$(B)/tests/subreaper bash bench/vm.sh
