# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the tracking-failure tests (needs --mem 2048,
# movablecore=1G): mc_pages_faults (core backend: 6.17+ automatically,
# 6.0-6.16 forced) is loaded with movcompat_fail_track, so every time
# movcompat_page_make_movable() needs memory to track a page it gets none.
# 64 of its pages come from the driver's own alloc_page(GFP_HIGHUSER), the
# rest from movcompat_alloc_page(). Then, for the core and for the balloon
# carrier (carrier=1):
#  - pages from movcompat_alloc_page() must all be movable (their tracking
#    needs no memory at make_movable time), only the driver's own ones may
#    come back -ENOMEM;
#  - offlining each ZONE_MOVABLE block holding the module's pages completes
#    or is refused, never spins (a page the core does not know of in
#    ZONE_MOVABLE makes the kernel's offline loop forever): an offline still
#    running after 30 s fails the test;
#  - every page verifies, and unloading releases every page (no warning, no
#    balloon page left behind).
M=mc_pages_faults
D=/sys/kernel/debug/$M
MEM=/sys/devices/system/memory
FOREIGN=64
st() { awk -v k="$1" '$1 == k { print $2 }' $D/stats; }

round() # NAME [PARAMS...]
{
	_r=$1
	shift
	t_load_off_top_block $M npages=8192 foreign=$FOREIGN movcompat_fail_track=1000000 "$@" || return
	[ -d $D ] || { t_fail "$_r-debugfs" "no $D"; return; }
	b=$(st backend) u=$(st unmovable)
	t_info "$_r: backend $b, $u of $(st pages) pages not movable; $(t_blocks_of $D/pfns)"
	[ "$u" -le $FOREIGN ] && t_pass "$_r-own-pages-movable" ||
		t_fail "$_r-own-pages-movable" "$u pages could not be made movable; only the $FOREIGN the driver allocated itself may fail"
	tried=0 hung=0 done=0
	for blk in $(t_offline_candidates $D/pfns); do
		case $(t_zone $blk) in Movable*) ;; *) continue ;; esac
		tried=$((tried + 1))
		rc=0
		timeout "$(t_secs 30)" sh -c "echo offline >$MEM/memory$blk/state" 2>/dev/null || rc=$?
		case $rc in
		0) done=$((done + 1)); t_online_again $blk Movable ;;
		1) t_info "$_r: memory$blk: offline refused" ;;
		*) hung=$((hung + 1)); t_info "$_r: memory$blk: offline still running after 30 s (exit $rc)"; break ;;
		esac
		[ $tried -ge 3 ] && break
	done
	t_info "$_r: $tried ZONE_MOVABLE blocks tried, $done offlined, $hung spun"
	[ $tried -gt 0 ] && [ $hung = 0 ] && t_pass "$_r-offline-never-spins" ||
		t_fail "$_r-offline-never-spins" "$tried blocks tried, $hung offline(s) spun for 30 s"
	v=$(cat $D/verify)
	[ "$v" = "checked $(st pages) bad 0" ] && t_pass "$_r-verify" || t_fail "$_r-verify" "$v"
	t_unload $M
}

round track-fail-core
round track-fail-carrier carrier=1
echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null
bal=$(awk '$1 == "Balloon:" { print $2 }' /proc/meminfo)
case $bal in
'') t_info "no Balloon: line in /proc/meminfo on this kernel" ;;
0) t_pass track-fail-no-balloon-pages-left ;;
*) t_fail track-fail-no-balloon-pages-left "/proc/meminfo still counts $bal kB of balloon pages after rmmod" ;;
esac
