# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Guest side of the compaction benchmark (ci/bench-compact.sh; --mem 2048,
# movablecore=1G, one vCPU). The same driver, mc_pages, fragmented on
# purpose (fragment=1: twice the pages allocated, every other one freed, so
# each pageblock of ZONE_MOVABLE is half full), is compacted once by the
# kernel (/proc/sys/vm/compact_memory; variant "kernel", on the native
# backend) and once by movcompat's core (movcompat_domain_compact(), its
# debugfs "compact"; variant "core", mc_pages_core), in ABBA order, and
# once not at all (variant "none", the baseline). Where the kernel has no
# hook (MC_BENCH_VARIANTS="core") only the core and the baseline run.
# After each, the guest asks for 2000 huge pages and notes how many it got
# (the allocation drains the per-cpu lists and compacts, as THP does).
# One line per run:
#   # info: BENCH variant=V run=R pages=P us=T hp_before=A hp_after=B
#     hugepages=H pgmigrate=M copy_pages=C copy_ns=N
# pages: the driver's pages moved; hp: free 2 MiB blocks of ZONE_MOVABLE
# in /proc/buddyinfo (freed pages still on per-cpu lists do not show);
# hugepages: huge pages obtained afterwards; pgmigrate: every page the
# kernel counted as migrated meanwhile. Run 0 of each variant is a warm-up.
RUNS=${MC_BENCH_RUNS:-3}
stat() { awk -v k="$1" '$1 == k { print $2 }' "/sys/kernel/debug/$2/stats"; }
hugefree() { awk '$4 == "Movable" { print $(5 + 9) + 2 * $(5 + 10) }' /proc/buddyinfo; }

N=$(awk '/^Node .* zone/ { z = $4 } z == "Movable" && $1 == "pages" && $2 == "free" { print int($3 * 0.4); exit }' /proc/zoneinfo)
[ -n "$N" ] && [ "$N" -gt 0 ] || { t_fail bench-npages "no ZONE_MOVABLE (movablecore= missing?)"; N=1; }

bench_run() # VARIANT MODULE RUN
{
	v=$1 m=$2 r=$3
	t_load "$m" npages="$N" fragment=1
	[ -d "/sys/kernel/debug/$m" ] || return 0
	hp0=$(hugefree) m0=$(stat migrated "$m") g0=$(t_vmstat pgmigrate_success)
	t0=$(t_now_us)
	if [ "$v" = none ]; then
		:	# the baseline: what a huge page user gets from the layout as it is
	elif [ "$v" = kernel ]; then
		echo 1 >/proc/sys/vm/compact_memory
	else
		echo 1 >"/sys/kernel/debug/movcompat-$m/compact"
	fi
	us=$(($(t_now_us) - t0))
	pages=$(($(stat migrated "$m") - m0))
	hp1=$(hugefree) g1=$(t_vmstat pgmigrate_success)
	# what a huge page user gets now: its allocation drains the per-cpu
	# lists (where freed pages wait, unmerged, on 6.7+) and compacts, as
	# the kernel does for THP
	echo 2000 >/proc/sys/vm/nr_hugepages
	got=$(cat /proc/sys/vm/nr_hugepages)
	echo 0 >/proc/sys/vm/nr_hugepages
	[ $pages -gt 0 ] || [ "$v" = none ] && t_pass "$v-$r-moved" || t_fail "$v-$r-moved" "$m: compaction moved no page of the driver"
	c=$(cat "/sys/kernel/debug/$m/copybench")
	set -- $c
	ok=$(cat "/sys/kernel/debug/$m/verify")
	[ "$ok" = "checked $N bad 0" ] && t_pass "$v-$r-verify" || t_fail "$v-$r-verify" "$m: $ok"
	t_info "BENCH variant=$v backend=$(stat backend "$m") run=$r pages=$pages us=$us hp_before=$hp0 hp_after=$hp1 hugepages=$got pgmigrate=$((g1 - g0)) copy_pages=$2 copy_ns=$4"
	t_unload "$m"
}

# QEMU backs guest RAM lazily: touch most of it once before measuring
t_load mc_pages_core npages="$N" fragment=0
t_unload mc_pages_core
if [ "${MC_BENCH_VARIANTS:-kernel core}" = core ]; then
	_i=0
	while [ $_i -le "$RUNS" ]; do
		bench_run none mc_pages_core $_i
		bench_run core mc_pages_core $_i
		_i=$((_i + 1))
	done
else
	t_abba "$RUNS" bench_run "kernel mc_pages" "core mc_pages_core"
	bench_run none mc_pages 1
fi
