#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The migration core vs the kernel's own migration of the same pages on the
# same kernel: mc_pages on the native backend and mc_pages_core (the core
# forced), in ONE VM boot per kernel and setting, alternating runs of
# offlining the memory blocks holding the module's pages
# (tests/core/guest-bench-core.sh). Also the limit of the work each
# migration cannot avoid: the same pages copied once each into fresh pages
# in the same VM (copybench), which with init_on_alloc=1 (Debian's default)
# is a zeroing and a copy per page, with init_on_alloc=0 a copy. Each kernel
# boots once with each setting (MOVCOMPAT_BENCH_CORE_INIT).
# Measured on the kernels with a native hook among --kernels, by default
# 6.1, 6.12 and 6.16 (MOVCOMPAT_BENCH_CORE_KERNELS; all: every one). Guest
# clock: QEMU -icount (deterministic instruction time) unless
# MOVCOMPAT_BENCH_CLOCK=wall.
#
# usage: ci/bench-core.sh [--kernels KEYS] [--runs N]
# Appends "core KERNEL METRIC VALUE UNIT" rows to build/results/bench.tsv
# (metrics of init_on_alloc=0 end in _init0).

. "$(dirname "$0")/lib.sh"

kernels=required runs=${MOVCOMPAT_BENCH_RUNS:-3} clock=${MOVCOMPAT_BENCH_CLOCK:-icount}
mc_options "usage: ci/bench-core.sh [--kernels KEYS] [--runs N]" --kernels=kernels --runs=runs -- "$@"
keys=$(mc_expand_kernels "$kernels") || exit 64
want=${MOVCOMPAT_BENCH_CORE_KERNELS:-6.1 6.12 6.16}
inits=${MOVCOMPAT_BENCH_CORE_INIT:-1 0}
mkdir -p "$MC_RESULTS"
bench=$MC_RESULTS/bench.tsv
row() { printf 'core\t%s\t%s\t%s\t%s\n' "$@" >>"$bench"; }

qargs=$(mc_bench_qemu_args "$clock")

rc=0 table=
for key in $keys; do
	[ "$want" = all ] || [[ " $want " == *" $key "* ]] || continue
	mc_kernel "$key"
	out=$MC_BUILD/$key/bench-core
	bash "$MC_CI/fetch.sh" "$key" >/dev/null 2>&1 && bash "$MC_CI/toolchain.sh" "$key" >/dev/null 2>&1 ||
		{ table+=$(printf '\n%-8s UNAVAILABLE' "$key"); rc=1; continue; }
	if ! bash "$MC_CI/build.sh" "$key" "$MC_TOP/tests/compat/mc_pages" "$out/native" ||
	   ! bash "$MC_CI/build.sh" "$key" "$MC_TOP/tests/compat/mc_pages" "$out/core" -- \
		MC_PAGES_NAME=mc_pages_core MOVCOMPAT_BACKEND=core; then
		table+=$(printf '\n%-8s build failed (see %s/*/build.log)' "$key" "$out"); rc=1; continue
	fi
	if [ "$(tr '\0' '\n' <"$out/native/mc_pages.ko" | grep -c 'mops\|aops')" = 0 ]; then
		table+=$(printf '\n%-8s n/a: no native hook to compare with' "$key")
		row "$key" ratio n/a "no native hook"
		continue
	fi
	for init in $inits; do
		o=$out.init$init sfx=
		[ "$init" = 1 ] || sfx=_init$init
		rm -f "$o".*
		MOVCOMPAT_QEMU_ARGS=$qargs MOVCOMPAT_SMP=1 MOVCOMPAT_QUIET=1 bash "$MC_CI/vm.sh" "$key" --name "bench-core-init$init" \
			--guest "$MC_TOP/tests/core/guest-bench-core.sh" \
			--module "$out/native/mc_pages.ko" --module "$out/core/mc_pages_core.ko" \
			--mem 2048 --append "movablecore=1G init_on_alloc=$init" --timeout 900 --env MC_BENCH_RUNS="$runs" >"$o.log" 2>&1 ||
			{ table+=$(printf '\n%-8s %-4s FAIL: %s' "$key" "$init" "$(tail -n 1 "$o.log")"); rc=1; continue; }
		info=$MC_BUILD/$key/vm-bench-core-init$init/info.txt
		for v in native core; do
			awk -v v=$v '/BENCH variant=/ {
				for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
				if (f["variant"] != v || f["run"] == 0) next
				if (f["us"] > 0) print f["pages"] / f["us"] * 1e6 > (o "." v ".rate")
				if (f["ev_us"] > 0) print f["ev_pages"] / f["ev_us"] * 1e6 > (o ".evacuate")
				if (f["copy_ns"] > 0) print f["copy_pages"] / f["copy_ns"] * 1e9 > (o ".copy")
			}' o="$o" "$info"
	done
	nat=$(mc_median <"$o.native.rate") core=$(mc_median <"$o.core.rate") copy=$(mc_median <"$o.copy")
	ev=0
	[ -s "$o.evacuate" ] && ev=$(mc_median <"$o.evacuate")
	ratio=$(awk -v a="$core" -v b="$nat" 'BEGIN { printf "%.3f", b ? a / b : 0 }')
	fc=$(awk -v a="$core" -v b="$copy" 'BEGIN { printf "%.3f", b ? a / b : 0 }')
	fn=$(awk -v a="$nat" -v b="$copy" 'BEGIN { printf "%.3f", b ? a / b : 0 }')
	fe=$(awk -v a="$ev" -v b="$copy" 'BEGIN { printf "%.3f", b ? a / b : 0 }')
	row "$key" "native_pages_per_s$sfx" "$(printf %.0f "$nat")" pages/s
	row "$key" "core_pages_per_s$sfx" "$(printf %.0f "$core")" pages/s
	row "$key" "ratio$sfx" "$ratio" core/native
	row "$key" "copy_limit_pages_per_s$sfx" "$(printf %.0f "$copy")" pages/s
	row "$key" "core_fraction_of_copy$sfx" "$fc" core/copy
	row "$key" "native_fraction_of_copy$sfx" "$fn" native/copy
	row "$key" "core_evacuate_pages_per_s$sfx" "$(printf %.0f "$ev")" pages/s
	row "$key" "core_evacuate_fraction_of_copy$sfx" "$fe" evacuate/copy
	verdict="core at least as fast as the kernel"
	awk -v r="$ratio" 'BEGIN { exit !(r < 1) }' && verdict="core SLOWER than the kernel"
	table+=$(printf '\n%-8s %-4s %10.0f %10.0f %6s %10.0f %6s %6s %6s  %s' "$key" "$init" "$nat" "$core" "$ratio" "$copy" "$fc" "$fn" "$fe" "$verdict")
	mc_log "$key" bench "core, init_on_alloc=$init: native $(printf %.0f "$nat") pages/s, core $(printf %.0f "$core") pages/s, ratio $ratio, copy limit $(printf %.0f "$copy") pages/s"
	done
done

echo
echo "Migration core vs the kernel's own migration (memory-block offlining, same pages, same boot,"
echo "ABBA runs, medians of $runs runs; clock: $clock), and the limit of the work a migration cannot"
echo "avoid (copybench: a fresh page per page, zeroed by the allocator when init_on_alloc=1, and a copy)."
echo "c/lim and n/lim: offlining (the kernel's offline work included); e/lim: the core's own evacuation"
echo "of the blocks holding its pages (movcompat_domain_evacuate(), no offlining)."
printf '%-8s %-4s %10s %10s %6s %10s %6s %6s %6s  %s' kernel init "native/s" "core/s" ratio "limit/s" "c/lim" "n/lim" "e/lim" verdict
echo "$table"
exit $rc
