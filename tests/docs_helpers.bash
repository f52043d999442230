# Running the documentation: every `vps ...` command line in the README's code
# blocks and in the man pages' EXAMPLES sections, in document order per block,
# each block in a scratch directory with its own state root and network
# namespace (see tests/docs.bats).
#
# Markers in the documents (invisible when rendered):
#   README:    <!-- docs-test skip: PREFIX -- REASON -->   <!-- docs-test setup: CMD -->
#   man pages: .\" docs-test skip: PREFIX -- REASON         .\" docs-test setup: CMD
# skip: a command line starting with PREFIX is not run; the test prints REASON.
# setup: CMD runs (in the same scratch dir) before the next code block.

# doc_extract FILE: one record per line, tab-separated:
#   B                 a new code block starts
#   S<TAB>CMD         setup for the block that follows
#   C<TAB>CMD         a documented command line
#   K<TAB>CMD<TAB>WHY a documented command line that is skipped, and why
doc_extract() {
	awk -v md="$([[ $1 == *.md ]] && echo 1 || echo 0)" '
	function unesc(s) {
		gsub(/\\-/, "-", s); gsub(/\\\(aq/, "\047", s); gsub(/\\e/, "\\", s)
		gsub(/\\&/, "", s); gsub(/\\\\/, "\\", s); return s
	}
	function marker(s,   body, i) {
		body = s; sub(/^.*docs-test /, "", body); sub(/ *-->[ \t]*$/, "", body)
		if (body ~ /^setup: /) { sub(/^setup: /, "", body); setup[++ns] = body }
		else if (body ~ /^skip: /) {
			sub(/^skip: /, "", body); i = index(body, " -- ")
			if (i == 0) { print "docs-test marker without \" -- REASON\": " s > "/dev/stderr"; exit 2 }
			skp[++nk] = substr(body, 1, i - 1); why[nk] = substr(body, i + 4)
		}
		else { print "unknown docs-test marker: " s > "/dev/stderr"; exit 2 }
	}
	function cmdline(s,   i) {
		sub(/^[ \t]+/, "", s)
		if (s !~ /(^|[|&;(] *)vps( |$)/) return
		if (!inblk) { print "B"; for (i = 1; i <= ns; i++) print "S\t" setup[i]; ns = 0; inblk = 1 }
		for (i = 1; i <= nk; i++)
			if (index(s, skp[i]) == 1) { print "K\t" s "\t" why[i]; return }
		print "C\t" s
	}
	# first pass: the skip rules hold for the whole file
	FNR == NR { if ($0 ~ /docs-test skip: /) marker($0); next }
	/docs-test setup: / { marker($0); next }
	/docs-test / { next }
	md == 1 {
		if ($0 ~ /^```/) { fence = !fence; if (!fence) inblk = 0; next }
		if (fence || ($0 ~ /^(    |\t)/ && (prevblank || code))) { code = 1; cmdline($0) }
		else if ($0 !~ /^[ \t]*$/) { code = 0; inblk = 0 }
		prevblank = ($0 ~ /^[ \t]*$/); next
	}
	/^\.SH / { ex = ($0 ~ /^\.SH EXAMPLES/); nf = 0; inblk = 0; next }
	ex && /^\.(nf|EX)/ { nf = 1; next }
	ex && /^\.(fi|EE)/ { nf = 0; inblk = 0; next }
	ex && nf && !/^\.\\"/ { cmdline(unesc($0)) }
	' "$1" "$1"
}

# doc_run FILE: run FILE's blocks; prints a line per command; fails when a
# documented command fails (and says which, with its output).
doc_run() {
	local file=$1 kind cmd why n=0 ran=0 skipped=0 rc=0 blk= line
	local recs
	recs=$(doc_extract "$file") || return 1
	while IFS= read -r line; do
		IFS=$'\t' read -r kind cmd why <<<"$line"
		case $kind in
		B)
			[ -n "$blk" ] && doc_block_end "$blk"
			n=$((n + 1)) blk=$WORK/doc-${file##*/}-$n
			doc_block_begin "$blk"
			;;
		K) echo "# skip: $cmd: $why"; skipped=$((skipped + 1)) ;;
		S | C)
			[ "$kind" = S ] && echo "# setup: $cmd" || { echo "# run: $cmd"; ran=$((ran + 1)); }
			if ! (cd "$blk/cwd" && PATH=$blk/bin:$PATH timeout -k 5 90 \
				bash -e -o pipefail -c "$cmd" </dev/null >"$blk/out" 2>&1); then
				echo "FAILED ($file block $n): $cmd"
				sed 's/^/#   /' "$blk/out"
				rc=1
				break
			fi
			;;
		esac
	done <<<"$recs"
	[ -n "$blk" ] && doc_block_end "$blk"
	[ "$rc" = 0 ] || return 1
	[ $((ran + skipped)) -gt 0 ] || { echo "no vps command found in $file"; return 1; }
	echo "# $file: $ran commands ran in $n blocks, $skipped skipped"
}

# A block's scratch dir: cwd/, its own state root and inventory, a network namespace, and a
# `vps` on PATH that is this build's vps with that root, inside that namespace.
doc_block_begin() {
	local blk=$1 ns=vpsdoc-$$-${1##*-}
	mkdir -p "$blk/cwd" "$blk/bin" "$blk/state"
	echo "$ns" >"$blk/netns"
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	cat >"$blk/bin/vps" <<-EOS
		#!/bin/sh
		exec nsenter --net=/run/netns/$ns "$VPS" --root "$blk/state" --inventory "$blk/inventory" "\$@"
	EOS
	chmod +x "$blk/bin/vps"
}
doc_block_end() {
	local blk=$1 id
	for id in $(ls "$blk/state" 2>/dev/null); do
		"$blk/bin/vps" delete --force "$id" >/dev/null 2>&1 || true
	done
	ip netns del "$(cat "$blk/netns")" 2>/dev/null || true
	grep -o " $blk[^ ]*" /proc/self/mounts 2>/dev/null | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$blk"
}
