#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: run every bench part that exists, in this order:
#   ci/bench-shim.sh   movcompat vs native pages/s (shim overhead)
#   ci/bench-probes.sh probe time cold and cached
#   ci/bench-core.sh   the core vs the kernel, migration by offlining
#   ci/bench-compact.sh the core vs the kernel, compaction
#   ci/bench-cocci.sh  seconds per semantic-patch run (when present)
# each with --kernels KEYS, then print one table of every figure side by
# side (metrics down, kernels across, then a column for figures of no one
# kernel, e.g. "-") from build/results/bench.tsv, which is emptied first. A part is a script that appends rows
#   bench<TAB>kernel<TAB>metric<TAB>value<TAB>unit
# to that file; ratios are only ever computed inside one part's run. The
# host's load average before and after is a row too. When every part
# succeeded, ci/bench-readme.sh regenerates README.md's performance table.
#
# usage: ci/bench.sh [--kernels KEYS]
# exit:  0 when every part that ran succeeded

. "$(dirname "$0")/lib.sh"

kernels=required
mc_options "usage: ci/bench.sh [--kernels KEYS]" --kernels=kernels -- "$@"
keys=$(mc_expand_kernels "$kernels") || exit 64
mkdir -p "$MC_RESULTS"
bench=$MC_RESULTS/bench.tsv
: >"$bench"

ran='' skipped='' failed='' load0=$(cut -d' ' -f1 /proc/loadavg)
for part in shim probes core compact cocci; do
	f=$MC_CI/bench-$part.sh
	if [ ! -e "$f" ]; then
		skipped="$skipped $part"
		continue
	fi
	mc_log bench "$part" "running ci/bench-$part.sh --kernels \"$keys\""
	if bash "$f" --kernels "$keys"; then
		ran="$ran $part"
	else
		ran="$ran $part(FAILED)"
		failed="$failed $part"
	fi
done

printf 'bench\t-\thost_load\t%s\tloadavg\n' "$load0-$(cut -d' ' -f1 /proc/loadavg)" >>"$bench"

echo
echo "Benchmarks, side by side (from $bench)"
awk -F'\t' -v keys="$keys" '
	BEGIN { nk = split(keys, k, " "); for (i = 1; i <= nk; i++) known[k[i]] = 1 }
	NF >= 4 {
		# figures not tied to one of the kernels (kernel "-", "host", ...)
		# get a column of their own after the kernels
		if (!($2 in known)) { known[$2] = 1; k[++nk] = $2 }
		id = $1 " " $3
		if (!(id in seen)) { seen[id] = 1; row[++nr] = id }
		if ($4 == "n/a") { if (!(($1, $2) in why)) { why[$1, $2] = 1; note = note "\n  n/a: " $1 " on " $2 ": " $5 } }
		else if (!(id in unit)) unit[id] = $5
		v[id, $2] = $4
		w = length($4); if (w > cw[$2]) cw[$2] = w
		w = length(id " (" $5 ")"); if (w > rw) rw = w
	}
	END {
		if (!nr) { print "  (no figures)"; exit }
		for (i = 1; i <= nk; i++) { if (cw[k[i]] < length(k[i])) cw[k[i]] = length(k[i]); if (cw[k[i]] < 3) cw[k[i]] = 3 }
		printf "%-*s", rw, "bench metric (unit)"
		for (i = 1; i <= nk; i++) printf "  %*s", cw[k[i]], k[i]
		print ""
		for (j = 1; j <= nr; j++) {
			id = row[j]
			printf "%-*s", rw, id (unit[id] != "" && unit[id] != "-" ? " (" unit[id] ")" : "")
			for (i = 1; i <= nk; i++) printf "  %*s", cw[k[i]], ((id, k[i]) in v ? v[id, k[i]] : "-")
			print ""
		}
		if (note != "") print substr(note, 2)
	}' "$bench"
echo
echo "parts run:${ran:- none}${skipped:+; not present:$skipped}"
[ -z "$failed" ] || { echo "failed parts:$failed (README.md's table left as it was)"; exit 1; }
bash "$MC_CI/bench-readme.sh" --tsv "$bench"
