# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the porting test (tests/ported/ported.sh; --mem 2048,
# movablecore=1G): each driver of MC_PORTED, as the semantic patches and
# the hand edits their MANUAL lines asked for left it, is loaded with its
# pages (held out of the top block, which never goes offline), verified,
# moved by the kernel's compaction and by offlining the block holding most
# of them (on kernels without a hook movcompat's core moves them from its
# memory notifier), verified page by page again and unloaded. A balloon
# driver's pages are verified by its hypervisor's view (each inflated pfn
# a balloon page), and the kernel's balloon counters must agree with it.
for drv in ${MC_PORTED:-}; do
	D=/sys/kernel/debug/$drv
	st() { awk -v k="$1" '$1 == k { print $2 }' $D/stats; }
	t_balloon_mark
	t_fill_top_block
	t_load "$drv"
	t_unfill_top_block
	[ -r $D/verify ] || { t_fail "$drv-debugfs" "no $D/verify"; continue; }
	n=$(st pages)
	v=$(cat $D/verify)
	[ "$v" = "pages $n bad 0" ] && t_pass "$drv-verify-after-load" || t_fail "$drv-verify-after-load" "$v"
	m0=$(st migrated)
	echo 1 >/proc/sys/vm/compact_memory
	m1=$(st migrated)
	t_offline_one $D/pfns
	offlined=$T_OFFLINED
	m2=$(st migrated)
	t_info "$drv: $n pages, migrated by compaction $((m1 - m0)), by offlining ${offlined:-no block} $((m2 - m1))"
	[ -n "$offlined" ] && [ $((m2 - m1)) -gt 0 ] && t_pass "$drv-migrated-by-offline" ||
		t_fail "$drv-migrated-by-offline" "offlined '${offlined}', migrated $((m2 - m1))"
	v=$(cat $D/verify)
	[ "$v" = "pages $n bad 0" ] && t_pass "$drv-verify-after-migration" || t_fail "$drv-verify-after-migration" "$v"
	mt=$(st migrated)
	t_unload "$drv"
	case $drv in balloon_*)
		# the balloon core's own counters agree with the driver's
		t_balloon_counters "$drv-balloon-counters" "$n" "$n" "$mt" \
			"the driver's pages and migrations"
	esac
done
