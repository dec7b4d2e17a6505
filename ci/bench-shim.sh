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
# Clock (--clock): the guest times each offline with its own clock.
#  icount (default): QEMU runs with -icount shift=0,sleep=off, so guest time
#        is the number of guest instructions executed (1 ns each): figures
#        are deterministic and independent of the host's load, but they
#        count instructions, not cycles (no cache or memory-bandwidth
#        effects).
#  wall: plain TCG; guest time follows the host's clock, so every other
#        process on the host adds noise (on a shared 2-core host run-to-run
#        spread of 10-100% was seen).
#
# usage: ci/bench-shim.sh [--kernels KEYS] [--runs N] [--clock icount|wall]
# Appends "shim KERNEL METRIC VALUE UNIT" rows to build/results/bench.tsv.
# exit: 0 measured (whatever the ratio), 1 a kernel could not be measured

. "$(dirname "$0")/lib.sh"

kernels=required runs=${MOVCOMPAT_BENCH_RUNS:-4} clock=${MOVCOMPAT_BENCH_CLOCK:-icount}
usage="usage: ci/bench-shim.sh [--kernels KEYS] [--runs N] [--clock icount|wall]"
mc_options "$usage" --kernels=kernels --runs=runs --clock=clock -- "$@"
case $clock in icount|wall) ;; *) mc_die "bad --clock '$clock'; $usage" 64 ;; esac
[[ $runs =~ ^[1-9][0-9]*$ ]] || mc_die "bad --runs '$runs'; $usage" 64
keys=$(mc_expand_kernels "$kernels") || exit 64
mkdir -p "$MC_RESULTS"
bench=$MC_RESULTS/bench.tsv
rows=$MC_RESULTS/.bench-shim.txt
: >"$rows"

qargs=$(mc_bench_qemu_args "$clock")

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

# spread MEDIAN MIN MAX: (max - min) / median in %
spread() { awk -v m="$1" -v lo="$2" -v hi="$3" 'BEGIN { printf "%.1f", (hi - lo) / m * 100 }'; }

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
	load0=$(cut -d' ' -f1 /proc/loadavg)
	# one vCPU: with two, every offline waits for IPIs and per-CPU drain
	# work on the other vCPU thread, and run-to-run spread was >50%
	# (output to a file: vm.sh's timeout sleeper outlives it holding its
	# stdout, so a pipe would stay open until the timeout)
	MOVCOMPAT_QEMU_ARGS=$qargs MOVCOMPAT_SMP=1 MOVCOMPAT_QUIET=1 bash "$MC_CI/vm.sh" "$key" --name bench-shim \
		--guest "$MC_TOP/tests/bench/guest-shim.sh" \
		--module "$out/mc_native/mc_native.ko" --module "$out/mc_pages/mc_pages.ko" \
		--mem 2048 --append movablecore=1G --timeout 900 --env MC_BENCH_RUNS="$runs" \
		>"$out/vm.log" 2>&1
	vrc=$?
	tail -n 1 "$out/vm.log" >&2
	dir=$MC_BUILD/$key/vm-bench-shim
	echo "$load0-$(cut -d' ' -f1 /proc/loadavg)" >"$dir/load"
	if [ $vrc != 0 ]; then
		line "$key" "$backend" "FAIL: $(. "$dir/result.env" 2>/dev/null; echo "${reason:-vm.sh exited $vrc}")"
		row "$key" ratio n/a failed
		rc=1
		continue
	fi
	# samples: pages/s of each offlined block (run 0 is the warm-up);
	# pairs: movcompat/native per run pair (whole runs)
	rm -f "$dir"/rate-* "$dir/pair-ratio" "$dir/mc-backend"
	awk '/# info: run .* pages in .* us$/ || /^info: run .* pages in .* us$/ {
		for (i = 1; i <= NF; i++) if ($i == "run") break
		v = $(i + 1); r = $(i + 2); p = $(i + 4); t = $(i + 7)
		if (r > 0 && t > 0) print p / t * 1e6 > (d "/rate-" v)
	}
	/BENCH variant=/ {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		if (f["variant"] == "movcompat") mcbe = f["backend"]
		if (f["run"] == 0 || f["us"] == 0) next
		r = f["pages"] / f["us"] * 1e6
		if (f["variant"] == "native") nat[f["run"]] = r; else mc[f["run"]] = r
	} END {
		for (k in nat) if (k in mc) print mc[k] / nat[k] > (d "/pair-ratio")
		print mcbe > (d "/mc-backend")
	}' d="$dir" "$dir/info.txt"
	touch "$dir/rate-native" "$dir/rate-movcompat" "$dir/pair-ratio" "$dir/mc-backend"
	read -r nmed nmin nmax nn < <(stats "$dir/rate-native")
	read -r mmed mmin mmax mn < <(stats "$dir/rate-movcompat")
	read -r _ pmin pmax pn < <(stats "$dir/pair-ratio")
	mcbe=$(cat "$dir/mc-backend")
	if [ "$nn" = 0 ] || [ "$mn" = 0 ] || [ "$pn" = 0 ]; then
		line "$key" "$backend" "FAIL: no measured runs in $dir/info.txt"
		row "$key" ratio n/a failed
		rc=1
		continue
	fi
	ratio=$(awk -v a="$mmed" -v b="$nmed" 'BEGIN { printf "%.3f", a / b }')
	best=$(awk -v a="$mmax" -v b="$nmax" 'BEGIN { printf "%.3f", a / b }')
	verdict=$(awk -v r="$ratio" -v lo="$pmin" -v hi="$pmax" 'BEGIN {
		d = (1 / r - 1) * 100
		v = sprintf("%s: movcompat %.1f%% %s per page", (d <= 2 && d >= -2) ? "within 2%" : "OUTSIDE 2%",
			d < 0 ? -d : d, d < 0 ? "faster" : "slower")
		if (hi - lo > 0.02) v = v sprintf("; noisy: run pairs %.3f..%.3f", lo, hi)
		print v }')
	[ "$mcbe" = "$backend" ] || verdict="$verdict; movcompat backend '$mcbe' != native '$backend'"
	load=$(cat "$dir/load" 2>/dev/null)
	line "$key" "$backend" "$(printf '%9.0f %9.0f %7s  %9.0f %9.0f %7s  %6s %6s  %-9s %s' \
		"$nmed" "$nmax" "$(spread "$nmed" "$nmin" "$nmax")%" "$mmed" "$mmax" "$(spread "$mmed" "$mmin" "$mmax")%" \
		"$ratio" "$best" "$load" "$verdict")"
	row "$key" native_pages_per_s "$(printf %.0f "$nmed")" pages/s
	row "$key" movcompat_pages_per_s "$(printf %.0f "$mmed")" pages/s
	row "$key" ratio "$ratio" movcompat/native
	row "$key" native_best_pages_per_s "$(printf %.0f "$nmax")" pages/s
	row "$key" movcompat_best_pages_per_s "$(printf %.0f "$mmax")" pages/s
	row "$key" ratio_best "$best" movcompat/native
	row "$key" native_spread "$(spread "$nmed" "$nmin" "$nmax")" %
	row "$key" movcompat_spread "$(spread "$mmed" "$mmin" "$mmax")" %
	row "$key" pair_ratio_range "$(printf '%.3f..%.3f' "$pmin" "$pmax")" movcompat/native
	row "$key" samples "$nn+$mn" blocks
	row "$key" host_load "$load" loadavg
	row "$key" clock "$clock" -
	mc_log "$key" bench "shim: native $(printf %.0f "$nmed") pages/s, movcompat $(printf %.0f "$mmed") pages/s, ratio $ratio"
done

echo
echo "Shim overhead: pages/s of memory-block offlining (one boot per kernel, one vCPU, runs"
echo "alternating native/movcompat in ABBA order; per variant $runs runs x 3 blocks = samples)."
if [ "$clock" = icount ]; then
	echo "Clock: QEMU -icount (guest time = instructions executed; deterministic, no cache effects)."
else
	echo "Clock: host wall clock under TCG (noisy on a loaded host; see spread and load)."
fi
echo "median/best: median/highest per-block pages/s; spread: (max-min)/median; ratio: movcompat/native;"
echo "pairs: movcompat/native of whole runs; load: host loadavg before-after (shared 2-core host)."
printf '%-8s %-7s %9s %9s %7s  %9s %9s %7s  %6s %6s  %-9s %s\n' kernel backend "nat med" "nat best" spread \
	"mc med" "mc best" spread ratio r.best load verdict
cat "$rows"
rm -f "$rows"
exit $rc
