#!/usr/bin/env bash
# Regenerate invalid/NAME.json and invalid/NAME.err from cases.txt (needs jq).
# The files are committed; tests/specs-corpus.bats checks they are current.
set -euo pipefail
cd "$(dirname "$0")"
out=${1:-invalid}
rm -rf "$out"
mkdir -p "$out"
while IFS= read -r line; do
	case $line in '#'* | '') continue ;; esac
	name=${line%% :: *}
	rest=${line#* :: }
	filter=${rest%% :: *}
	want=${rest#* :: }
	if [[ $filter == RAW* ]]; then
		printf '%s' "${filter#RAW }" >"$out/$name.json"
	else
		# jq 1.6 rounds integers above 2^53 through doubles: put full.json's
		# UINT64_MAX back so only the case's own edit differs
		jq --tab "$filter" valid/full.json |
			sed -E -e 's/"__RAW:([^"]*)__"/\1/g' \
				-e 's/18446744073709552000/18446744073709551615/g' >"$out/$name.json"
	fi
	printf '%s\n' "$want" >"$out/$name.err"
done <cases.txt
