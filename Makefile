# vps build. `make` builds ./vps; `make check` installs deps, builds, runs every test.
# Concerns add rules in their own */*.mk fragments (included below) and Debian
# packages in mk/packages/*.list, so the top-level file rarely changes.

CC       ?= gcc
PREFIX   ?= /usr/local
DESTDIR  ?=
# the boot units of `vps start --autostart` (systemd's and a sysvinit script)
SYSTEMD_UNITDIR ?= /lib/systemd/system
INITDIR  ?= /etc/init.d
B        := build
PKGS     := libseccomp libcap libmnl json-c libcrypt

HAVE_PKGS := $(shell pkg-config --exists $(PKGS) 2>/dev/null && echo yes)
ifeq ($(HAVE_PKGS),yes)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
BUILD_LIBS := $(foreach p,$(PKGS),$(p) $(shell pkg-config --modversion $(p)))
endif

CFLAGS   ?= -O2 -g
VPS_BIN  := vps
# SANITIZE=1: the same tree under ASan and UBSan, in its own build dir (build-san/,
# binary build-san/vps) so it never mixes with the normal objects.
ifeq ($(SANITIZE),1)
B        := build-san
CFLAGS   := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
VPS_BIN  := $(B)/vps
endif
# No function frame over 16 KiB (big buffers go static or to the heap). The sanitized
# build leaves the check out: ASan's redzones make every frame bigger.
STACK_CHECK := $(if $(filter 1,$(SANITIZE)),,-Wstack-usage=16384)
VPS_CFLAGS := -std=gnu11 -Wall -Wextra -Werror $(STACK_CHECK) -D_GNU_SOURCE -I. $(PKG_CFLAGS) \
	-fstack-protector-strong -fPIE -D_FORTIFY_SOURCE=2 -fno-strict-aliasing \
	-DVPS_BUILD_LIBS='"$(BUILD_LIBS)"' -MMD -MP
VPS_LDFLAGS := -pie -Wl,-z,relro,-z,now -Wl,--as-needed
# vps itself links the small libraries statically when Debian ships their archive
# (binary + non-libc shared libraries stay well under 1 MiB, and each start maps
# fewer objects); libmnl has no static archive in Debian and stays shared.
STATIC_LIBS := $(foreach l,seccomp cap json-c crypt,$(if $(filter /%,$(shell $(CC) -print-file-name=lib$(l).a)),-l$(l)))
VPS_LIBS = -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic $(filter-out $(STATIC_LIBS),$(PKG_LIBS)) -lm

LIB_DIRS := util specs runtime cgroups netns rootfs runtime/vm
LIB_SRCS := $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c))
CLI_SRCS := $(wildcard cli/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(B)/%.o)
LIBVPS   := $(B)/libvps.a

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/unit/%)

.PHONY: all deps check check-san demo install format format-check unit clean test test-bats
all: $(VPS_BIN)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(VPS_CFLAGS) $(CFLAGS) -c $< -o $@

$(LIBVPS): $(LIB_OBJS)
	@rm -f $@
	@ar rcs $@ $^

$(VPS_BIN): $(CLI_OBJS) $(LIBVPS)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(VPS_LDFLAGS) -o $@ $(CLI_OBJS) $(LIBVPS) $(VPS_LIBS)

$(B)/tests/unit/%: tests/unit/%.c $(LIBVPS) tests/unit/tap.h
	@mkdir -p $(dir $@)
	$(CC) $(VPS_CFLAGS) $(CFLAGS) $(VPS_LDFLAGS) -o $@ $< $(LIBVPS) $(PKG_LIBS)

unit: $(UNIT_BINS)

# Install the Debian packages every concern lists (idempotent; says what it installs).
deps:
	@bash mk/deps.sh mk/packages/*.list

# Everything: deps, build, every test; the last line is "N passed, M failed".
# With SANITIZE=1: the unit tests and SAN_TESTS against build-san/ instead.
ifeq ($(SANITIZE),1)
check: deps
	@$(MAKE) --no-print-directory check-san
else
check: deps
	@$(MAKE) --no-print-directory all unit test-tools
	@bash tests/run.sh
endif

# The sanitized pass: libvps, the unit tests and build-san/vps under ASan+UBSan, then
# the unit tests and the suites that drive vps on the host side: argument parsing,
# config.json and state.json, the state store, the users/groups files of a bundle
# (tenant-controlled input). Suites whose container init or exec'd process runs vps
# code inside the container are left out: the sanitizer runtime needs syscalls and
# files (its log, /proc) that the container's seccomp filter and root take away (a
# sanitized `vps exec` does not return), and state-durability runs vps under strace,
# where LeakSanitizer cannot work; cli.bats now runs containers too. Any sanitizer
# report (written under build-san/san-logs/SUITE) fails the suite. The normal
# ./vps is built too (specs.bats installs it).
SAN_TESTS ?= ^unit/|^(specs|state|cgroups-cli|users)\.bats$$
check-san:
	@$(MAKE) --no-print-directory SANITIZE=1 all unit test-tools
	@$(MAKE) --no-print-directory SANITIZE= all test-tools
	@VPS_BUILD=build-san TESTS='$(SAN_TESTS)' SAN_LOGS=$(CURDIR)/build-san/san-logs bash tests/run.sh

# The test runner alone (no deps, no rebuild); TESTS=REGEX picks suites.
test: all unit test-tools
	@bash tests/run.sh

test-tools: $(B)/tests/subreaper
$(B)/tests/subreaper: tests/tools/subreaper.c
	@mkdir -p $(dir $@)
	$(CC) $(VPS_CFLAGS) $(CFLAGS) -o $@ $<

demo: deps
	@$(MAKE) --no-print-directory all
	@bash mk/demo.sh

install: all
	install -D -m 0755 vps $(DESTDIR)$(PREFIX)/bin/vps
	bash mk/install-man.sh $(DESTDIR)$(PREFIX)/share/man man/*.[1-8]
	install -D -m 0644 mk/vps.bash-completion $(DESTDIR)$(PREFIX)/share/bash-completion/completions/vps
	@mkdir -p $(DESTDIR)$(SYSTEMD_UNITDIR) $(DESTDIR)$(INITDIR)
	sed 's|@BINDIR@|$(PREFIX)/bin|g' mk/vps-autostart.service.in >$(DESTDIR)$(SYSTEMD_UNITDIR)/vps-autostart.service
	sed 's|@BINDIR@|$(PREFIX)/bin|g' mk/vps-autostart.init.in >$(DESTDIR)$(INITDIR)/vps-autostart
	chmod 0755 $(DESTDIR)$(INITDIR)/vps-autostart

# FORMAT_SRCS=FILES... limits both to some files (e.g. your concern's).
FORMAT_SRCS ?= $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(FORMAT_SRCS)
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRCS) && echo "format-check: ok"

clean:
	rm -rf build build-san vps

-include $(wildcard */*.mk */*/*.mk)
-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)
