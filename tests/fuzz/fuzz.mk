# libFuzzer target for the spec/state parsers (clang, ASan + UBSan).
#   make fuzz-build            build $(B)/fuzz/fuzz_spec
#   make fuzz [FUZZ_SECONDS=N] build and run N seconds (default 60) on a
#                              scratch copy of tests/specs-corpus
# `make check` runs it through tests/suites/fuzz-spec.sh.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BIN     := $(B)/fuzz/fuzz_spec
FUZZ_SRCS    := tests/fuzz/fuzz_spec.c util/err.c util/fileio.c util/io.c util/fmt.c util/log.c util/openat2.c \
	$(wildcard specs/*.c)
FUZZ_FLAGS   := -std=gnu11 -D_GNU_SOURCE -I. $(PKG_CFLAGS) -g -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BIN)
$(FUZZ_BIN): $(FUZZ_SRCS) $(wildcard specs/*.h util/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	@$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(FUZZ_SRCS) $(shell pkg-config --libs json-c libcap)

fuzz: fuzz-build
	@bash tests/suites/fuzz-spec.sh $(FUZZ_SECONDS)
