#!/usr/bin/env bats
# The spec model from the outside: corpus coverage, `vps spec` (plain and
# --rootless) against runc's, `vps features`.
load helpers

setup_file() { vps_setup_file; }
teardown_file() { vps_teardown_file; }

CORPUS=$VPS_TOP/tests/specs-corpus

@test "corpus: invalid cases are what gen.sh makes from cases.txt" {
	run bash "$CORPUS/gen.sh" "$WORK/regen"
	[ "$status" -eq 0 ]
	run diff -r "$WORK/regen" "$CORPUS/invalid"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "corpus: every field of valid/full.json has an invalid case naming its path" {
	missing=()
	norm() { sed -E 's/\[[0-9]+\]/[N]/g'; }
	errs=$(cat "$CORPUS"/invalid/*.err | norm)
	while read -r leaf; do
		grep -qF -- "$leaf" <<<"$errs" || missing+=("$leaf")
	done < <(jq -r -f "$CORPUS/leaves.jq" "$CORPUS/valid/full.json" | sort -u |
		grep -v '^\.vm\|commandLine\|unknown')
	[ "${#missing[@]}" -eq 0 ] || { printf 'no invalid case for %s\n' "${missing[@]}"; false; }
	# and the corpus really covers a full config (sanity: >100 leaves)
	[ "$(jq -r -f "$CORPUS/leaves.jq" "$CORPUS/valid/full.json" | sort -u | wc -l)" -gt 100 ]
}

# runc 1.2 dropped the ambient set from its default (an ambient cap needs an
# inheritable one, and the spec has none): vps follows; Debian 12's runc 1.1
# still writes it, so it is left out of the comparison.
RUNC_SPEC_OLD='del(.ociVersion, .hostname, .process.capabilities.ambient)'

@test "vps spec equals runc spec (but ociVersion, hostname and runc 1.1's ambient set)" {
	command -v runc >/dev/null || skip "runc not installed (apt-get install runc to compare)"
	mkdir -p "$WORK/v" "$WORK/r"
	v spec --bundle "$WORK/v"
	(cd "$WORK/r" && runc spec)
	[ "$(jq .process.capabilities.ambient "$WORK/v/config.json")" = null ]
	diff <(jq -S "$RUNC_SPEC_OLD" "$WORK/v/config.json") \
		<(jq -S "$RUNC_SPEC_OLD" "$WORK/r/config.json")
}

@test "vps spec --rootless equals runc spec --rootless (but ociVersion, hostname and runc 1.1's ambient set)" {
	command -v runc >/dev/null || skip "runc not installed (apt-get install runc to compare)"
	mkdir -p "$WORK/vr" "$WORK/rr"
	v spec --rootless --bundle "$WORK/vr"
	(cd "$WORK/rr" && runc spec --rootless)
	[ "$(jq .process.capabilities.ambient "$WORK/vr/config.json")" = null ]
	diff <(jq -S "$RUNC_SPEC_OLD" "$WORK/vr/config.json") \
		<(jq -S "$RUNC_SPEC_OLD" "$WORK/rr/config.json")
	run jq -r '.linux.uidMappings[0].hostID, (.linux.namespaces | map(.type) | join(","))' \
		"$WORK/vr/config.json"
	[ "${lines[0]}" = "$(id -u)" ]
	[ "${lines[1]}" = "pid,ipc,uts,mount,user" ]
}

@test "vps features: OCI features JSON matching what the parser accepts" {
	run v features
	[ "$status" -eq 0 ]
	echo "$output" >"$WORK/features.json"
	run jq -r '.ociVersionMax, (.linux.namespaces | length), (.hooks | length),
		(.linux.seccomp.actions | index("SCMP_ACT_NOTIFY") != null),
		(.linux.seccomp.supportedFlags - .linux.seccomp.knownFlags | length),
		(.mountOptions | index("rbind") != null), .linux.intelRdt.enabled,
		.annotations["org.vps.version"]' "$WORK/features.json"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1.2.0 ]
	[ "${lines[1]}" = 8 ]
	[ "${lines[2]}" = 6 ]
	[ "${lines[3]}" = true ]
	[ "${lines[4]}" = 0 ]
	[ "${lines[5]}" = true ]
	[ "${lines[6]}" = false ]
	[ -n "${lines[7]}" ]
	# every capability it lists is one the kernel has
	n=$(jq '.linux.capabilities | length' "$WORK/features.json")
	[ "$n" -eq $(($(cat /proc/sys/kernel/cap_last_cap) + 1)) ] || [ "$n" -le 64 ]
}

@test "vps features rejects arguments" {
	run v features extra
	[ "$status" -eq 2 ]
	[[ "$output" == *"expects 0 arguments, got 1"* ]]
}

@test "make install puts the binary, every man page and the completion under DESTDIR" {
	run make -C "$VPS_TOP" --no-print-directory install DESTDIR="$WORK/inst" PREFIX=/usr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ -x "$WORK/inst/usr/bin/vps" ]
	"$WORK/inst/usr/bin/vps" --version | grep -q "vps version"
	[ -f "$WORK/inst/usr/share/bash-completion/completions/vps" ]
	for m in "$VPS_TOP"/man/*.[1-8]; do
		s=${m##*.}
		[ -f "$WORK/inst/usr/share/man/man$s/${m##*/}" ] || { echo "missing ${m##*/}"; false; }
	done
}

@test "man pages render without groff warnings and vps-spec(8) documents spec, state, list, features" {
	command -v groff >/dev/null || skip "groff not installed (apt-get install groff-base)"
	for m in "$VPS_TOP"/man/*.[1-8]; do
		run groff -man -Tutf8 -ww -z "$m"
		[ -z "$output" ] || { echo "${m##*/}: $output"; false; }
	done
	run groff -man -Tascii -P-cbou "$VPS_TOP/man/vps-spec.8"
	for c in "vps spec" "vps state" "vps list" "vps features" "CONFIGURATION CHECKS"; do
		[[ "$output" == *"$c"* ]] || { echo "no $c"; false; }
	done
}
