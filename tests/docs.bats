#!/usr/bin/env bats
# The documentation against the binary (issue 17): every `vps ...` line of the
# README's code blocks and of the man pages' EXAMPLES runs as written (busybox
# template, scratch state root and network namespace per block; lines that
# cannot run here carry a docs-test skip marker and are reported); every man
# page a page or a --help names is installed; the options --help lists are
# documented.
# timeout: 400
load helpers
load docs_helpers

setup_file() { vps_setup_file; }
teardown_file() { vps_teardown_file; }

# man_text PAGE: the page as plain text, one long line per paragraph, no hyphenation
man_text() { groff -man -Tascii -P-cbou -rLL=2000n -rHY=0 "$1" 2>/dev/null; }

@test "docs: the README's code blocks run as written" {
	run doc_run "$VPS_TOP/README.md"
	echo "$output"
	[ "$status" -eq 0 ]
	# the tour really ran: bundle, create, start, exec, logs, stop, run -d, restart
	[[ $output == *"# run: vps stop web1 "* ]]
	[[ $output == *"# run: vps run -d --bundle web1 web1 "* ]]
	[[ $output == *"# skip: vps exec -t web1 login root"*"interactive"* ]]
	[[ $output == *"# run: vps restart web1 "* ]]
	[[ $output == *"# skip: vps console web1"*"interactive"* ]]
}

@test "docs: every man page's EXAMPLES run as written" {
	local m n=0 ran=0
	for m in "$VPS_TOP"/man/*.[1-8]; do
		grep -q '^\.SH EXAMPLES' "$m" || continue
		n=$((n + 1))
		run doc_run "$m"
		echo "$output"
		[ "$status" -eq 0 ] || { echo "EXAMPLES of ${m##*/} failed"; false; }
		ran=$((ran + $(grep -c '^# run: ' <<<"$output" || true)))
	done
	[ "$n" -ge 6 ] && [ "$ran" -ge 20 ]
}

@test "docs: the extractor skips only marked lines and fails on a failing documented line" {
	mkdir -p "$WORK/fake"
	printf '%s\n' '# t' '' '    vps list' '    vps state nosuch' '    vps kill nosuch KILL' '    vps list' '' \
		'<!-- docs-test skip: vps state -- not here -->' >"$WORK/fake/T.md"
	run doc_run "$WORK/fake/T.md"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"FAILED ($WORK/fake/T.md block 1): vps kill nosuch KILL"* ]]
	[[ $output == *"# skip: vps state nosuch: not here"* ]]
	# nothing after the failure runs: the block's later lines depend on it
	[ "$(grep -c '^# run: vps list' <<<"$output")" -eq 1 ]
}

@test "docs: make install installs every man page that a page or a --help names" {
	run make -C "$VPS_TOP" --no-print-directory install DESTDIR="$WORK/inst" PREFIX=/usr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local man=$WORK/inst/usr/share/man refs m c ref name sec target
	refs=$(for m in "$VPS_TOP"/man/*.[1-8]; do man_text "$m"; done
		"$VPS" --help 2>&1
		for c in $("$VPS" --help | awk '/^Commands:/{f=1;next} /^$/{f=0} f{print $1}'); do
			"$VPS" "$c" --help 2>&1
		done)
	# names a page's NAME line gives (vps-bundle in vps-users(8)) count too
	refs+=$'\n'$(for m in "$VPS_TOP"/man/*.[1-8]; do
		sed -n '/^\.SH NAME/{n;s/ \\-.*//;p;q}' "$m" | tr -d ' ' | tr ',' '\n' | sed "s/\$/(${m##*.})/"
	done)
	local all
	all=$(grep -oE 'vps(-[a-z]+)?\([1-8]\)' <<<"$refs" | sort -u)
	[ "$(wc -l <<<"$all")" -ge 15 ]
	for ref in $all; do
		name=${ref%(*} sec=${ref#*(} sec=${sec%)}
		[ -f "$man/man$sec/$name.$sec" ] || { echo "$ref named but not installed"; false; }
		if target=$(sed -n 's/^\.so //p' "$man/man$sec/$name.$sec") && [ -n "$target" ]; then
			[ -f "$man/$target" ] || { echo "$ref: .so $target missing"; false; }
		fi
	done
	# and man finds a link page
	if command -v man >/dev/null; then
		MANPATH=$man run man -w vps-bundle
		[ "$status" -eq 0 ] && [[ $output == "$man/man8/vps-users.8"* ]]
	fi
}

@test "docs: every long option a --help lists is in the man pages" {
	local text c o missing=()
	text=$(for m in "$VPS_TOP"/man/*.[1-8]; do man_text "$m"; done)
	for c in $("$VPS" --help | awk '/^Commands:/{f=1;next} /^$/{f=0} f{print $1}'); do
		for o in $("$VPS" "$c" --help 2>&1 | grep -oE '^ +(-[a-z], )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z0-9-]+'); do
			[ "$o" = --help ] && continue
			grep -qF -- "$o" <<<"$text" || missing+=("$c $o")
		done
	done
	[ "${#missing[@]}" -eq 0 ] || { printf 'not in any man page: %s\n' "${missing[@]}"; false; }
}

@test "docs: list's ADDRESS column and state's address key are documented as printed" {
	run "$VPS" list --help
	[[ $output == *ADDRESS* ]]
	run man_text "$VPS_TOP/man/vps-spec.8"
	[[ $output == *"OWNER, then ROOT (mapped or host, see vps-users(8)) when some container is a VPS-face VPS, and, when some container has vps networking, a last column ADDRESS"* ]]
	[[ $output == *"address (the VPS's addresses)"* ]]
	# the binary prints them so: a VPS with networking in a namespace of our own
	local ns=vpsdoc-addr-$$
	ip netns add "$ns"
	make_busybox_bundle "$WORK/a1"
	jq_edit "$WORK/a1/config.json" '.process.args = ["sleep", "100"] | .annotations["org.vps.net.ip"] = "auto"'
	nsenter --net=/run/netns/$ns "$VPS" --root "$ROOT" create --bundle "$WORK/a1" a1
	run nsenter --net=/run/netns/$ns "$VPS" --root "$ROOT" list
	local head=${lines[0]}
	run nsenter --net=/run/netns/$ns "$VPS" --root "$ROOT" state a1
	local addr
	addr=$(jq -r .address <<<"$output")
	nsenter --net=/run/netns/$ns "$VPS" --root "$ROOT" delete --force a1
	ip netns del "$ns"
	[[ $head == *"OWNER"*"ADDRESS" ]]
	[[ $addr == 10.* ]]
}

@test "docs: every test vps-security(7) cites exists, under the title it quotes" {
	local titles text t f n=0 missing=()
	titles=$(grep -h '^@test "' "$VPS_TOP"/tests/*.bats | sed 's/^@test "//; s/" {$//')
	text=$(man_text "$VPS_TOP/man/vps-security.7")
	while IFS= read -r t; do
		n=$((n + 1))
		grep -qxF -- "$t" <<<"$titles" || missing+=("$t")
	done < <(grep -oE '"[^"]+"' <<<"$text" | sed 's/^"//; s/"$//')
	for f in $(grep -oE 'tests/[a-z_/.-]+\.(bats|c)' <<<"$text" | sort -u); do
		[ -f "$VPS_TOP/$f" ] || missing+=("file $f")
	done
	[ "${#missing[@]}" -eq 0 ] || { printf 'cited but not found: %s\n' "${missing[@]}"; false; }
	[ "$n" -ge 30 ]
}

@test "docs: no tracked file carries a merge's conflict markers" {
	cd "$VPS_TOP"
	run git grep -n -E '^(<<<<<<<|>>>>>>>) ' -- . ':!tests/docs.bats'
	echo "$output"
	[ "$status" -eq 1 ] # git grep: 1 is "nothing found"
	[ -z "$output" ]
}
