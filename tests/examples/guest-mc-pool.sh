# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the mc_pool example test (needs --mem 2048, movablecore=1G):
# fill the pool, verify it, move its pages (the kernel's compaction and the
# offlining of the memory block holding most of them; backend core: also
# movcompat's own compaction; backend none: nothing may move), verify again,
# refill smaller, reject bad input, unload.
D=/sys/kernel/debug/mc_pool
N=${MC_POOL_PAGES:-8192}
st() { awk -v k="$1" '$1 == k { print $2 }' $D/stats; }

t_load mc_pool
[ -d $D ] || { t_fail mc_pool-debugfs "no $D"; return 0 2>/dev/null || exit 0; }
# the top block has holes and never goes offline: keep the pool (and the
# compactions' destinations) out of it until the offlining
t_fill_top_block
echo $N >$D/fill && t_pass fill || t_fail fill "echo $N >fill failed"
backend=$(st backend)
movable=$(st movable)
t_info "backend=$backend movable=$movable pages=$(st pages)"
v=$(cat $D/verify)
[ "$v" = "pages $N bad 0" ] && t_pass verify-after-fill || t_fail verify-after-fill "$v"

m0=$(st migrated)
echo 1 >/proc/sys/vm/compact_memory
[ "$backend" = core ] && echo 1 >/sys/kernel/debug/movcompat-mc_pool/compact
m1=$(st migrated)
t_unfill_top_block
t_offline_one $D/pfns
offlined=$T_OFFLINED
m2=$(st migrated)
t_info "migrated by compaction $((m1 - m0)), by offlining ${offlined:-no block} $((m2 - m1))"
if [ "$backend" = none ]; then
	[ $m2 = $m0 ] && t_pass none-not-migrated || t_fail none-not-migrated "pages moved on backend none?"
else
	[ -n "$offlined" ] && [ $((m2 - m1)) -gt 0 ] && t_pass migrated-by-offline ||
		t_fail migrated-by-offline "offlined '${offlined}', migrated $((m2 - m1))"
	# the kernel's compaction of a pool filled in one go (no holes) may
	# rightly move nothing: a figure, not a check; movcompat's own
	# compaction (core) moves every page it can
	if [ "$backend" = core ]; then
		[ $((m1 - m0)) -gt 0 ] && t_pass migrated-by-core-compaction || t_fail migrated-by-core-compaction "compact moved no pool page"
	fi
fi
v=$(cat $D/verify)
[ "$v" = "pages $N bad 0" ] && t_pass verify-after-migration || t_fail verify-after-migration "$v"

echo 100 >$D/fill && [ "$(cat $D/verify)" = "pages 100 bad 0" ] && t_pass refill || t_fail refill "$(cat $D/verify)"
echo abc >$D/fill 2>/dev/null && t_fail fill-malformed "accepted 'abc'" || t_pass fill-malformed
echo 999999999999 >$D/fill 2>/dev/null && t_fail fill-too-big "accepted 999999999999 pages" || t_pass fill-too-big
[ "$(cat $D/verify)" = "pages 100 bad 0" ] && t_pass pool-kept-after-bad-input || t_fail pool-kept-after-bad-input "$(cat $D/verify)"
# fill 0 releases every page (the README's way to empty the pool); it
# once asked vzalloc() for 0 bytes, a WARNING (found by make soak)
echo 0 >$D/fill && [ "$(cat $D/verify)" = "pages 0 bad 0" ] && [ "$(st pages)" = 0 ] &&
	t_pass fill-0-empties || t_fail fill-0-empties "$(cat $D/verify), stats pages $(st pages)"
echo 100 >$D/fill
t_info "RESULT backend=$backend pages=$N compaction=$((m1 - m0)) offline=$((m2 - m1))"
t_unload mc_pool
