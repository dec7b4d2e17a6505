# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Guest side of the compaction-gain test (kernels where mc_pages gets the
# core: 6.17+, and mc_pages_core, the core forced, for test compact-gain-core;
# --mem 2048, movablecore=1G): movcompat_domain_compact()
# must leave room for more huge pages than the same fragmented layout
# without it. mc_pages with fragment=1 (twice the pages allocated, every
# other one freed: each pageblock it touches half full) holds 40% of
# ZONE_MOVABLE's free pages; once the guest asks for 2000 huge pages as it
# is, once after the domain's compaction (debugfs "compact"), each time
# with a fresh load, every page verified. The kernel's own compaction
# cannot move the core's pages, so what the second ask gets more is the
# core's doing.
M=mc_pages
case ${MCT_TEST:-} in *-core) M=mc_pages_core ;; esac
D=/sys/kernel/debug/$M
stat() { awk -v k="$1" '$1 == k { print $2 }' $D/stats; }
hugepages() # what a huge page user gets now
{
	echo 2000 >/proc/sys/vm/nr_hugepages
	cat /proc/sys/vm/nr_hugepages
	echo 0 >/proc/sys/vm/nr_hugepages
}
N=$(awk '/^Node .* zone/ { z = $4 } z == "Movable" && $1 == "pages" && $2 == "free" { print int($3 * 0.4); exit }' /proc/zoneinfo)
[ -n "$N" ] && [ "$N" -gt 0 ] || { t_fail compact-gain-npages "no ZONE_MOVABLE (movablecore= missing?)"; N=1; }

t_load $M npages="$N" fragment=1
backend=$(stat backend)
as_is=$(hugepages)
t_unload $M

t_load $M npages="$N" fragment=1
m0=$(stat migrated)
t_check compact sh -c "echo 1 >/sys/kernel/debug/movcompat-$M/compact"
moved=$(($(stat migrated) - m0))
compacted=$(hugepages)
v=$(cat $D/verify)
[ "$v" = "checked $N bad 0" ] && t_pass compact-gain-verify || t_fail compact-gain-verify "$v"
t_unload $M
t_info "compact-gain ($backend): $N pages, huge pages as is $as_is, after the core's compaction $compacted ($moved pages moved)"
[ "$backend" = core ] || t_fail compact-gain-backend "backend $backend, not core: this test is for kernels without a driver hook"
[ "$compacted" -gt "$as_is" ] && t_pass compact-gain "huge pages $as_is -> $compacted" ||
	t_fail compact-gain "huge pages $as_is as is, $compacted after the core's compaction ($moved pages moved): no gain"
