# summarize (sourced by bench/lib.sh): samples.tsv -> results.tsv and table.md.
# Plain awk (mawk on a fresh Debian), medians through sort.

# one line per sample and metric: ORDER METRIC RUNTIME VALUE UNIT
metrics() {
	awk -F'\t' 'NR > 1 {
		row = $1; r = $2; wall = $4 / 1000
		if (row == "size") {
			split($9, kv, " "); sub("bin=", "", kv[1]); sub("libs=", "", kv[2])
			put("binary size", kv[1] / 1024, "KiB")
			put("binary + non-libc shared libs", (kv[1] + kv[2]) / 1024, "KiB")
		} else if (row ~ /^syscall-/) {
			split($9, kv, " "); sub("getppid_ns=", "", kv[1]); sub("stat_ns=", "", kv[2])
			s = substr(row, 9)
			put("getppid ns/call, " s, kv[1], "ns"); put("stat ns/call, " s, kv[2], "ns")
		} else if (row ~ /^run-x/) {
			put(row " (total)", wall, "ms")
		} else {
			put(row, wall, "ms")
			if (row == "run") {
				put("peak RSS of the runtime (run)", $7 / 1024, "MiB")
				put("CPU time per run (user+sys)", ($5 + $6) / 1000, "ms")
			}
		}
	}
	function put(m, v, u) {
		if (!(m in ord)) ord[m] = ++n
		printf "%d\t%s\t%s\t%s\t%s\n", ord[m], m, r, v, u
	}' "$SAMPLES"
}

# medians: ORDER METRIC RUNTIME MEDIAN UNIT COUNT (for ns/call rows: the minimum)
medians() {
	metrics | sort -t"$(printf '\t')" -k1,1n -k3,3 -k4,4g | awk -F'\t' '
	function flush() { if (k == "") return
		m = (c % 2) ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
		if (u == "ns") m = v[1] # syscall costs: the best repetition (noise only adds)
		printf "%s\t%s\t%s\t%.6g\t%s\t%d\n", o, mt, rr, m, u, c }
	{ key = $1 SUBSEP $3
	  if (key != k) { flush(); k = key; c = 0 }
	  o = $1; mt = $2; rr = $3; u = $5; v[++c] = $4 }
	END { flush() }'
}

summarize() {
	local cols="${RTS[*]} host"
	medians >"$OUT/medians.tmp"
	awk -F'\t' -v cols="$cols" -v res="$OUT/results.tsv" -v date="$(date -u '+%Y-%m-%d %H:%M UTC')" '
	{ key[$1] = $2; unit[$1] = $5; val[$1, $3] = $4; cnt[$1, $3] = $6; if ($1 > nm) nm = $1 }
	function fmt(x) { return x >= 100 ? sprintf("%.0f", x) : x >= 10 ? sprintf("%.1f", x) : sprintf("%.2f", x) }
	END {
		nc = split(cols, c, " ")
		print "row\truntime\tmedian\tunit\tsamples\tratio_to_crun" > res
		hdr = "| row |"; sep = "|---|"
		for (i = 1; i <= nc; i++) { hdr = hdr " " c[i] " |"; sep = sep "---:|" }
		for (i = 1; i <= nc; i++) if (c[i] != "crun" && c[i] != "host") { hdr = hdr " " c[i] "/crun |"; sep = sep "---:|" }
		print "Medians, " date "\n\n" hdr "\n" sep
		for (o = 1; o <= nm; o++) {
			if (!(o in key)) continue
			line = "| " key[o] " (" unit[o] ") |"
			base = ((o, "crun") in val) ? val[o, "crun"] : ""
			for (i = 1; i <= nc; i++) {
				if (!((o, c[i]) in val)) { line = line " - |"; continue }
				x = val[o, c[i]]; line = line " " fmt(x) " |"
				rat = (base != "" && base > 0) ? sprintf("%.3f", x / base) : ""
				printf "%s\t%s\t%s\t%s\t%s\t%s\n", key[o], c[i], x, unit[o], cnt[o, c[i]], rat > res
			}
			for (i = 1; i <= nc; i++) if (c[i] != "crun" && c[i] != "host")
				line = line " " (((o, c[i]) in val) && base > 0 ? sprintf("%.2fx", val[o, c[i]] / base) : "-") " |"
			print line
		}
		# the seccomp cost: time per syscall inside the container / on the host
		for (o = 1; o <= nm; o++) if (key[o] ~ /, native$/) nat[substr(key[o], 1, index(key[o], ",") - 1)] = val[o, "host"]
		print "\nSyscall cost inside the container relative to the host (same static probe; ns rows are the best of the repetitions):\n"
		hdr = "| syscall | filter |"; sep = "|---|---|"
		for (i = 1; i <= nc; i++) if (c[i] != "host") { hdr = hdr " " c[i] " |"; sep = sep "---:|" }
		print hdr; print sep
		for (o = 1; o <= nm; o++) {
			if (key[o] !~ /ns\/call, (seccomp|noseccomp)$/) continue
			sc = substr(key[o], 1, index(key[o], " ") - 1); f = substr(key[o], index(key[o], ", ") + 2)
			line = "| " sc " | " f " |"
			for (i = 1; i <= nc; i++) if (c[i] != "host")
				line = line " " (((o, c[i]) in val) && nat[sc " ns/call"] > 0 ? sprintf("%.3fx", val[o, c[i]] / nat[sc " ns/call"]) : "-") " |"
			print line
		}
		# the kernel floor: the smallest filter there is, on the host
		for (o = 1; o <= nm; o++) {
			if (key[o] !~ /ns\/call, allowall$/ || !((o, "host") in val)) continue
			sc = substr(key[o], 1, index(key[o], " ") - 1)
			line = "| " sc " | empty allow-all filter, on the host (the floor) |"
			for (i = 1; i <= nc; i++) if (c[i] != "host")
				line = line " " (nat[sc " ns/call"] > 0 ? sprintf("%.3fx", val[o, "host"] / nat[sc " ns/call"]) : "-") " |"
			print line
		}
		# the filter alone: seccomp vs no seccomp, both inside the container
		for (o = 1; o <= nm; o++) {
			if (key[o] !~ /ns\/call, seccomp$/) continue
			sc = substr(key[o], 1, index(key[o], " ") - 1)
			for (q = 1; q <= nm; q++) if (key[q] == sc " ns/call, noseccomp") break
			line = "| " sc " | seccomp vs none, in the container |"
			for (i = 1; i <= nc; i++) if (c[i] != "host")
				line = line " " (((o, c[i]) in val) && ((q, c[i]) in val) && val[q, c[i]] > 0 ? sprintf("%.3fx", val[o, c[i]] / val[q, c[i]]) : "-") " |"
			print line
		}
	}' "$OUT/medians.tmp" >"$OUT/table.md"
	rm -f "$OUT/medians.tmp"
	cat "$OUT/table.md"
}
