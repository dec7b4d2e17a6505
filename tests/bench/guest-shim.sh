# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Guest side of the shim-overhead benchmark (ci/bench-shim.sh; needs
# --mem 2048, movablecore=1G, best with one vCPU): alternately load mc_native (the kernel's own
# API) and mc_pages (the same driver through movcompat) with the same page
# count, offline the memory blocks holding most of that module's pages,
# time each offline, verify every page, unload. One line per run:
#   # info: BENCH variant=V run=N pages=P us=T vm=M blocks=B
# (P: the module's pages migrated, T: microseconds spent offlining, M: the
# pgmigrate_success delta, i.e. every page the offlines moved). Run 0 of
# each variant is a warm-up.
N=${MC_BENCH_NPAGES:-}
RUNS=${MC_BENCH_RUNS:-5}
BLOCKS=${MC_BENCH_BLOCKS:-3}
MEM=/sys/devices/system/memory

stat() { awk -v k="$1" '$1 == k { print $2 }' "/sys/kernel/debug/$2/stats"; }

# Default page count: 90% of ZONE_MOVABLE's free pages, so each module's
# pages fill the offlinable blocks (blocks that also hold reserved boot
# memory refuse to go offline; freshly onlined memory goes to the tail of
# the free lists, so a small module would land in those blocks instead).
[ -n "$N" ] || N=$(awk '/^Node .* zone/ { z = $4 } z == "Movable" && $1 == "pages" && $2 == "free" { print int($3 * 0.9); exit }' /proc/zoneinfo)
[ -n "$N" ] && [ "$N" -gt 0 ] || { t_fail bench-npages "no ZONE_MOVABLE free pages (movablecore= missing?)"; N=1; }
bs=$(printf '%d' "0x$(cat $MEM/block_size_bytes)")
t_info "block size $((bs >> 20)) MiB, $N pages per module, $RUNS runs each, $BLOCKS blocks per run"

# run VARIANT MODULE RUN
run()
{
	v=$1 m=$2 r=$3
	t_load "$m" npages="$N" fragment=0
	[ -d "/sys/kernel/debug/$m" ] || return 0
	be=$(stat backend "$m")
	[ "$(stat movable "$m")" = 1 ] || { t_fail "$v-$r-movable" "$m: backend $be, pages not movable"; rmmod "$m"; return 0; }
	blocks=$(t_blocks_most_first "/sys/kernel/debug/$m/pfns")
	pages=0 us=0 vm=0 done=0 tried=0
	for b in $blocks; do
		f=$MEM/memory$b/state
		[ -w "$f" ] && [ "$(cat "$f")" = online ] || continue
		tried=$((tried + 1))
		zone=$(t_zone $b)
		m0=$(stat migrated "$m")
		v0=$(t_vmstat pgmigrate_success)
		t0=$(t_now_us)
		if echo offline >"$f" 2>/dev/null; then
			t1=$(t_now_us)
			t_info "run $v $r memory$b: $(($(stat migrated "$m") - m0)) pages in $((t1 - t0)) us"
			pages=$((pages + $(stat migrated "$m") - m0))
			vm=$((vm + $(t_vmstat pgmigrate_success) - v0))
			us=$((us + t1 - t0))
			done=$((done + 1))
			t_online_again $b "$zone"
		else
			t_info "run $v $r memory$b: offline refused after $(($(t_now_us) - t0)) us ($(cat $MEM/memory$b/valid_zones 2>/dev/null))"
		fi
		[ $done -ge "$BLOCKS" ] || [ $tried -ge 8 ] && break
	done
	[ $done -ge 1 ] && [ $pages -gt 0 ] && t_pass "$v-$r-offline" ||
		t_fail "$v-$r-offline" "$m: $done blocks offlined ($tried tried), $pages pages migrated"
	c=$(cat "/sys/kernel/debug/$m/verify")
	[ "$c" = "checked $N bad 0" ] && t_pass "$v-$r-verify" || t_fail "$v-$r-verify" "$m: $c"
	t_info "BENCH variant=$v backend=$be run=$r pages=$pages us=$us vm=$vm blocks=$done"
	t_unload "$m"
}

# Warm-up: QEMU backs guest RAM lazily, so the first migrations into
# never-touched guest memory pay for host page faults. Touch most free
# memory once (pages filled by one load of mc_native) before measuring.
free=$(awk '$1 == "MemTotal:" { t = $2 } $1 == "MemFree:" { f = $2 }
	END { n = int(f / 4 * 0.6); if (n > t / 8 - 1) n = int(t / 8 - 1); print n }' /proc/meminfo)
t0=$(t_now_us)
t_load mc_native npages="$free" fragment=0
t_unload mc_native
t_info "warm-up: touched $free pages in $(($(t_now_us) - t0)) us"

# run 0 of each variant: a warm-up pair, reported but not counted. Then
# pairs in ABBA order, so neither variant always runs second.
t_abba "$RUNS" run "native mc_native" "movcompat mc_pages"
