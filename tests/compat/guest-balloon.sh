# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the balloon-shim test (--mem 2048, movablecore=1G): mc_balloon
# inflates with adjust_managed_page_count set (MemTotal must drop by exactly
# the pages inflated, and come back on deflate), one by one and as lists;
# the kernel moves the pages by compaction and by offlining the block
# holding most of them while every 3rd migration gives up the new page
# (-ENOENT: the balloon shrinks by one) and every 7th is refused (-EAGAIN);
# the hypervisor's view, the driver's counts and /proc/vmstat's balloon
# counters must agree throughout; deflated to empty, the balloon's destroy
# must find it empty.
D=/sys/kernel/debug/mc_balloon
st() { awk -v k="$1" '$1 == k { print $2 }' $D/stats; }
memtotal() { awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo; }
verify() # NAME: the hypervisor's view matches the balloon
{
	_v=$(cat $D/verify)
	[ "$_v" = "pages $(st pages) bad 0" ] && t_pass "$1" "$_v" || t_fail "$1" "$_v (driver: $(st pages) pages)"
}

t_balloon_mark
t_fill_top_block
t_load mc_balloon
m0=$(memtotal)
t_check inflate sh -c "echo 'inflate 4096' >$D/ctl"
t_check inflate-list sh -c "echo 'inflate-list 4096' >$D/ctl"
t_unfill_top_block
m1=$(memtotal)
[ $((m0 - m1)) = $((8192 * 4)) ] && t_pass managed-count-inflate "MemTotal -$((m0 - m1)) kB" ||
	t_fail managed-count-inflate "MemTotal went from $m0 to $m1 kB for 8192 pages inflated (expected -32768)"
verify verify-after-inflate

echo 'enoent 3' >$D/ctl
echo 'eagain 7' >$D/ctl
echo 1 >/proc/sys/vm/compact_memory
t_offline_one $D/pfns
t_info "balloon: 8192 pages inflated, migrated $(st migrated), gave up $(st enoent), refused $(st eagain); offlined ${T_OFFLINED:-no block}"
[ "$(st migrated)" -gt 0 ] && [ "$(st enoent)" -gt 0 ] && t_pass migrated-enoent-eagain ||
	t_fail migrated-enoent-eagain "migrated $(st migrated), enoent $(st enoent), eagain $(st eagain) (offlined '${T_OFFLINED}')"
[ "$(st pages)" = $((8192 - $(st enoent))) ] && t_pass enoent-shrinks "pages $(st pages)" ||
	t_fail enoent-shrinks "pages $(st pages), expected 8192 - $(st enoent)"
verify verify-after-migration
echo 'enoent 0' >$D/ctl
echo 'eagain 0' >$D/ctl

# MemTotal moves while a block is offline (it is online again now):
# compare deflations
m2=$(memtotal)
left=$(st pages)
t_check deflate sh -c "echo 'deflate 1000' >$D/ctl"
t_check deflate-list sh -c "echo 'deflate-list $((left - 1000))' >$D/ctl"
m3=$(memtotal)
[ "$(st pages)" = 0 ] && [ $((m3 - m2)) = $((left * 4)) ] && t_pass managed-count-deflate "MemTotal +$((m3 - m2)) kB" ||
	t_fail managed-count-deflate "pages left $(st pages); MemTotal went from $m2 to $m3 kB for $left pages deflated (expected +$((left * 4)))"
# the pages given up by -ENOENT came back to the managed count as well
[ "$m3" = "$m0" ] && t_pass managed-count-balanced "MemTotal $m3 kB as before inflating" ||
	t_fail managed-count-balanced "MemTotal $m3 kB after deflating everything, $m0 before inflating ($(st enoent) pages given up by -ENOENT)"
t_balloon_counters balloon-counters 8192 8192 "$(st migrated)" \
	"driver: migrated $(st migrated), $(st enoent) given up by -ENOENT"
t_unload mc_balloon
dmesg | grep -q 'mc_balloon: destroyed empty' && t_pass destroy-empty ||
	t_fail destroy-empty "movcompat_balloon_destroy() did not find the balloon empty"
