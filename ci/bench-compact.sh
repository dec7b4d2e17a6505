#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Compaction: movcompat's core (movcompat_domain_compact(), the path 6.17+
# drivers rely on) vs the kernel's own compaction (compact_memory) of the
# same driver pages, fragmented on purpose, in ONE VM boot per kernel, ABBA
# runs (tests/core/guest-bench-compact.sh), and a baseline that compacts
# nothing. Per variant: the driver's pages moved per second, the huge pages
# a user obtains afterwards, and the core's rate as a fraction of the copy
# limit (copybench). On kernels with no hook only the core and the baseline
# run. Guest clock: QEMU -icount unless
# MOVCOMPAT_BENCH_CLOCK=wall. Kernels: MOVCOMPAT_BENCH_COMPACT_KERNELS
# (default "6.1 6.12 6.16 6.17 7.3"; "all" for every one of --kernels).
#
# usage: ci/bench-compact.sh [--kernels KEYS] [--runs N]
# Appends "compact KERNEL METRIC VALUE UNIT" rows to build/results/bench.tsv.

. "$(dirname "$0")/lib.sh"

kernels=required runs=${MOVCOMPAT_BENCH_RUNS:-3} clock=${MOVCOMPAT_BENCH_CLOCK:-icount}
mc_options "usage: ci/bench-compact.sh [--kernels KEYS] [--runs N]" --kernels=kernels --runs=runs -- "$@"
keys=$(mc_expand_kernels "$kernels") || exit 64
want=${MOVCOMPAT_BENCH_COMPACT_KERNELS:-6.1 6.12 6.16 6.17 7.3}
mkdir -p "$MC_RESULTS"
bench=$MC_RESULTS/bench.tsv
row() { printf 'compact\t%s\t%s\t%s\t%s\n' "$@" >>"$bench"; }
qargs=$(mc_bench_qemu_args "$clock")

rc=0 table='' notes=''
for key in $keys; do
	[ "$want" = all ] || [[ " $want " == *" $key "* ]] || continue
	out=$MC_BUILD/$key/bench-compact
	bash "$MC_CI/fetch.sh" "$key" >/dev/null 2>&1 && bash "$MC_CI/toolchain.sh" "$key" >/dev/null 2>&1 ||
		{ table+=$(printf '\n%-8s UNAVAILABLE' "$key"); rc=1; continue; }
	if ! bash "$MC_CI/build.sh" "$key" "$MC_TOP/tests/compat/mc_pages" "$out/native" >/dev/null ||
	   ! bash "$MC_CI/build.sh" "$key" "$MC_TOP/tests/compat/mc_pages" "$out/core" -- \
		MC_PAGES_NAME=mc_pages_core MOVCOMPAT_BACKEND=core >/dev/null; then
		table+=$(printf '\n%-8s build failed (see %s/*/build.log)' "$key" "$out"); rc=1; continue
	fi
	variants="kernel core"
	[ "$(modinfo -F movcompat_backend "$out/native/mc_pages.ko")" = core ] && variants=core
	rm -f "$out".*.rate "$out".*.hp "$out".*.moved "$out.copy"
	MOVCOMPAT_QEMU_ARGS=$qargs MOVCOMPAT_SMP=1 MOVCOMPAT_QUIET=1 bash "$MC_CI/vm.sh" "$key" --name bench-compact \
		--guest "$MC_TOP/tests/core/guest-bench-compact.sh" \
		--module "$out/native/mc_pages.ko" --module "$out/core/mc_pages_core.ko" \
		--mem 2048 --append movablecore=1G --timeout 900 --env MC_BENCH_RUNS="$runs" \
		--env MC_BENCH_VARIANTS="$variants" >"$out.log" 2>&1 ||
		{ table+=$(printf '\n%-8s FAIL: %s' "$key" "$(tail -n 1 "$out.log")"); rc=1; continue; }
	awk '/BENCH variant=/ {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		if (f["run"] == 0) next
		if (f["us"] > 0 && f["variant"] != "none") print f["pages"] / f["us"] * 1e6 > (o "." f["variant"] ".rate")
		if (f["variant"] != "none") print f["pages"] > (o "." f["variant"] ".moved")
		print f["hugepages"] > (o "." f["variant"] ".hp")
		if (f["copy_ns"] > 0) print f["copy_pages"] / f["copy_ns"] * 1e9 > (o ".copy")
	}' o="$out" "$MC_BUILD/$key/vm-bench-compact/info.txt"
	copy=$(mc_median <"$out.copy")
	base=$(mc_median <"$out.none.hp")
	row "$key" none_hugepages "$base" "huge pages obtained"
	line=$(printf '%-8s %6s' "$key" "$base")
	for v in kernel core; do
		if [ ! -s "$out.$v.rate" ]; then
			line+=$(printf ' %10s %6s' - -)
			continue
		fi
		r=$(mc_median <"$out.$v.rate") hp=$(mc_median <"$out.$v.hp")
		moved=$(sort -n "$out.$v.moved" | sed -n '1p;$p' | paste -sd-)
		row "$key" "${v}_pages_moved" "$moved" "pages moved per run, fewest-most"
		# runs that moved unlike amounts: the median rate mixes them
		awk -v m="$moved" 'BEGIN { split(m, a, "-"); exit !(a[2] > 4 * a[1]) }' &&
			notes+=$(printf '\n  uneven: %s: %s compaction moved %s pages per run (fewest-most); its median rate mixes unlike runs (see %s)' \
				"$key" "$v" "$moved" "$MC_BUILD/$key/vm-bench-compact/console.log")
		row "$key" "${v}_pages_per_s" "$(printf %.0f "$r")" pages/s
		row "$key" "${v}_hugepages" "$hp" "huge pages obtained"
		line+=$(printf ' %10.0f %6s' "$r" "$hp")
	done
	core=$(mc_median <"$out.core.rate")
	fc=$(awk -v a="$core" -v b="$copy" 'BEGIN { printf "%.3f", b ? a / b : 0 }')
	row "$key" copy_limit_pages_per_s "$(printf %.0f "$copy")" pages/s
	row "$key" core_fraction_of_copy "$fc" core/copy
	if [ -s "$out.kernel.rate" ]; then
		ratio=$(awk -v a="$core" -v b="$(mc_median <"$out.kernel.rate")" 'BEGIN { printf "%.3f", b ? a / b : 0 }')
		row "$key" ratio "$ratio" core/kernel
	else
		ratio=n/a
		row "$key" ratio n/a "no kernel hook: the core alone"
	fi
	table+=$(printf '\n%s %6s %10.0f %6s' "$line" "$ratio" "$copy" "$fc")
	mc_log "$key" bench "compaction: ratio core/kernel $ratio, core $(printf %.0f "$core") pages/s = $fc of the copy limit"
done

echo
echo "Compaction of the same fragmented driver pages: none (baseline), the kernel's compact_memory,"
echo "movcompat_domain_compact(): the driver's pages moved per second and the huge pages a user"
echo "obtains afterwards (hp; same boot, ABBA runs, medians of $runs runs; clock: $clock; host"
echo "loadavg $(cut -d' ' -f1-3 /proc/loadavg))."
printf '%-8s %6s %10s %6s %10s %6s %6s %10s %6s' kernel "none" "kernel/s" "k hp" "core/s" "c hp" ratio "copy/s" "c/copy"
echo "$table"
[ -z "$notes" ] || echo "$notes"
exit $rc
