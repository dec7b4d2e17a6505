#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Shim overhead: the same test driver through movcompat (tests/compat/mc_pages)
# and written directly against the kernel's API (tests/bench/mc_native), in
# ONE VM boot per kernel, alternating runs (native, movcompat, native, ...)
# of offlining the memory blocks holding that module's pages
# (tests/bench/guest-shim.sh). Prints per kernel the median pages/s of each,
# the ratio movcompat/native (target: within 2%) and the spread of the runs.
# Kernels with no native hook (backend none) are reported as n/a.
#
# usage: ci/bench-shim.sh [--kernels KEYS] [--runs N]
# Appends "shim KERNEL METRIC VALUE UNIT" rows to build/results/bench.tsv.
# exit: 0 measured (whatever the ratio), 1 a kernel could not be measured

. "$(dirname "$0")/lib.sh"

kernels=required runs=${MOVCOMPAT_BENCH_RUNS:-5}
while [ $# -gt 0 ]; do
	case $1 in
	--kernels) kernels=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	*) mc_die "unknown option '$1'; usage: ci/bench-shim.sh [--kernels KEYS] [--runs N]" 64 ;;
	esac
done
keys=$(mc_expand_kernels "$kernels") || exit 64
mkdir -p "$MC_RESULTS"
bench=$MC_RESULTS/bench.tsv
rows=$MC_RESULTS/.bench-shim.txt
: >"$rows"

row() { printf 'shim\t%s\t%s\t%s\t%s\n' "$@" >>"$bench"; }
line() { printf '%-8s %-7s %s\n' "$@" >>"$rows"; }

# stats FILE: "median min max n" of the numbers in FILE
stats()
{
	sort -g "$1" | awk '{ v[++n] = $1 }
		END { if (!n) { print "- - - 0"; exit }
		      m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		      print m, v[1], v[n], n }'
}

rc=0
for key in $keys; do
	mc_kernel "$key"
	out=$MC_BUILD/$key/bench
	if ! { bash "$MC_CI/fetch.sh" "$key" >/dev/null 2>&1 && bash "$MC_CI/toolchain.sh" "$key" >/dev/null 2>&1; }; then
		mc_log "$key" bench "UNAVAILABLE: kernel could not be fetched/prepared"
		line "$key" - "UNAVAILABLE: kernel could not be fetched/prepared"
		row "$key" ratio n/a unavailable
		rc=1
		continue
	fi
	if ! bash "$MC_CI/build.sh" "$key" "$MC_TOP/tests/bench/mc_native" "$out/mc_native" ||
	   ! bash "$MC_CI/build.sh" "$key" "$MC_TOP/tests/compat/mc_pages" "$out/mc_pages"; then
		line "$key" - "FAIL: build (see $out/*/build.log)"
		row "$key" ratio n/a build-failed
		rc=1
		continue
	fi
	backend=$(tr '\0' '\n' <"$out/mc_native/mc_native.ko" | sed -n 's/^mc_backend=//p')
	if [ "$backend" = none ]; then
		mc_log "$key" bench "shim: n/a: no native hook"
		line "$key" none "n/a: no native hook"
		row "$key" ratio n/a "no native hook"
		continue
	fi
	# one vCPU: with two, every offline waits for IPIs and per-CPU drain
	# work on the other vCPU thread, and run-to-run spread was >50%
	MOVCOMPAT_SMP=1 MOVCOMPAT_QUIET=1 bash "$MC_CI/vm.sh" "$key" --name bench-shim \
		--guest "$MC_TOP/tests/bench/guest-shim.sh" \
		--module "$out/mc_native/mc_native.ko" --module "$out/mc_pages/mc_pages.ko" \
		--mem 2048 --append movablecore=1G --timeout 900 --env MC_BENCH_RUNS="$runs"
	vrc=$?
	dir=$MC_BUILD/$key/vm-bench-shim
	if [ $vrc != 0 ]; then
		line "$key" "$backend" "FAIL: $(. "$dir/result.env" 2>/dev/null; echo "${reason:-vm.sh exited $vrc}")"
		row "$key" ratio n/a failed
		rc=1
		continue
	fi
	# per run pages/s (run 0 is the warm-up), and per pair movcompat/native
	awk '/BENCH variant=/ {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		if (f["run"] == 0 || f["us"] == 0) next
		r = f["pages"] / f["us"] * 1e6
		print r > (d "/rate-" f["variant"])
		if (f["variant"] == "native") nat[f["run"]] = r; else mc[f["run"]] = r
		if (f["variant"] == "movcompat") mcbe = f["backend"]
	} END {
		for (k in nat) if (k in mc) print mc[k] / nat[k] > (d "/pair-ratio")
		print mcbe > (d "/mc-backend")
	}' d="$dir" "$dir/info.txt"
	read -r nmed nmin nmax nn < <(stats "$dir/rate-native")
	read -r mmed mmin mmax mn < <(stats "$dir/rate-movcompat")
	read -r pmed pmin pmax pn < <(stats "$dir/pair-ratio")
	mcbe=$(cat "$dir/mc-backend")
	if [ "$nn" = 0 ] || [ "$mn" = 0 ] || [ "$pn" = 0 ]; then
		line "$key" "$backend" "FAIL: no measured runs in $dir/info.txt"
		row "$key" ratio n/a failed
		rc=1
		continue
	fi
	ratio=$(awk -v a="$mmed" -v b="$nmed" 'BEGIN { printf "%.3f", a / b }')
	spread() { awk -v m="$1" -v lo="$2" -v hi="$3" 'BEGIN { printf "%.1f", (hi - lo) / m * 100 }'; }
	verdict=$(awk -v r="$ratio" -v lo="$pmin" -v hi="$pmax" 'BEGIN {
		d = r - 1; if (d < 0) d = -d
		v = d <= 0.02 ? "within 2%" : "OUTSIDE 2%"
		if (lo < 0.98 || hi > 1.02) v = v " (pairs spread " sprintf("%.3f..%.3f", lo, hi) ": noise > target)"
		print v }')
	[ "$mcbe" = "$backend" ] || verdict="$verdict; movcompat backend $mcbe != native $backend"
	line "$key" "$backend" "$(printf '%9.0f %13s  %9.0f %13s  %6s  %s..%s  %s' \
		"$nmed" "$(spread "$nmed" "$nmin" "$nmax")%/${nn}" "$mmed" "$(spread "$mmed" "$mmin" "$mmax")%/${mn}" \
		"$ratio" "$(printf %.3f "$pmin")" "$(printf %.3f "$pmax")" "$verdict")"
	row "$key" native_pages_per_s "$(printf %.0f "$nmed")" pages/s
	row "$key" movcompat_pages_per_s "$(printf %.0f "$mmed")" pages/s
	row "$key" ratio "$ratio" movcompat/native
	row "$key" native_spread "$(spread "$nmed" "$nmin" "$nmax")" %
	row "$key" movcompat_spread "$(spread "$mmed" "$mmin" "$mmax")" %
	row "$key" pair_ratio_range "$(printf '%.3f..%.3f' "$pmin" "$pmax")" movcompat/native
	row "$key" runs "$nn+$mn" runs
	mc_log "$key" bench "shim: native $(printf %.0f "$nmed") pages/s, movcompat $(printf %.0f "$mmed") pages/s, ratio $ratio"
done

echo
echo "Shim overhead: pages/s of memory-block offlining, median of alternating runs in one boot"
echo "(spread = (max-min)/median over the runs / number of runs; pairs = movcompat/native per run pair)"
printf '%-8s %-7s %9s %13s  %9s %13s  %6s  %s\n' kernel backend native spread/runs movcompat spread/runs ratio "pairs min..max, verdict"
cat "$rows"
rm -f "$rows"
exit $rc
