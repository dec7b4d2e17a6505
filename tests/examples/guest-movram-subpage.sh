# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of movram's sub-page write test (core-backend kernels; movram
# built with fault injection): 8 writers of 512-byte O_DIRECT blocks race
# for the same fresh pages, while movcompat's tracking of each new page is
# slow (delay_track_ms, as under memory pressure), so bios wait for the
# page lock of a page being published and made movable. movcompat must not
# let go of the caller's page lock inside make_movable (the balloon core of
# 6.0-6.19 BUGs on a page someone else locked; on 7.x the page could move
# under the driver). Run for the core (carrier=0) and the carrier
# (carrier=1); each round's data is checked.
DEV=/dev/movram0
sha() { sha256sum | cut -d' ' -f1; }
dd if=/dev/urandom of=/tmp/c bs=64k count=1 2>/dev/null
sha_c=$(sha </tmp/c)
for carrier in 0 1; do
	n=subpage-carrier$carrier
	t_load movram size=4M carrier=$carrier || continue
	C=/sys/kernel/debug/movcompat-movram
	[ -w $C/delay_track_ms ] || { t_fail $n-knob "no $C/delay_track_ms (not a fault-injection build?)"; rmmod movram; continue; }
	t_info "$n: backend $(awk '$1 == "backend" { print $2 }' /sys/kernel/debug/movram/stats)"
	echo 20 >$C/delay_track_ms
	bad=0 round=1
	while [ $round -le 4 ]; do
		w=1
		while [ $w -le 8 ]; do
			dd if=/tmp/c of=$DEV bs=512 count=128 conv=notrunc oflag=direct 2>/dev/null &
			w=$((w + 1))
		done
		wait
		[ "$(dd if=$DEV bs=64k count=1 iflag=direct 2>/dev/null | sha)" = "$sha_c" ] || bad=$((bad + 1))
		blkdiscard -o 0 -l 65536 $DEV
		round=$((round + 1))
	done
	echo 0 >$C/delay_track_ms
	[ $bad = 0 ] && t_pass $n-data || t_fail $n-data "$bad of 4 rounds read back wrong"
	if [ $carrier = 0 ]; then
		# discard racing a migration: a core compaction pass holds the
		# disk's pages isolated for 2 s (delay_isolated_ms) while the
		# whole disk is discarded; the pass must drop the released pages
		# without a callback, and the disk reads back zeros
		dd if=/dev/urandom of=$DEV bs=1M count=4 oflag=direct 2>/dev/null
		r0=$(awk '$1 == "released_isolated" { print $2 }' $C/stats)
		echo 2000 >$C/delay_isolated_ms
		(echo 1 >$C/compact) &
		sleep 1
		blkdiscard $DEV
		wait
		echo 0 >$C/delay_isolated_ms
		r1=$(awk '$1 == "released_isolated" { print $2 }' $C/stats)
		z=$(dd if=$DEV bs=1M count=4 iflag=direct 2>/dev/null | sha)
		t_info "$n: discard during compaction: released while isolated +$((r1 - r0)), pages left $(awk '$1 == "pages" { print $2 }' /sys/kernel/debug/movram/stats)"
		[ $((r1 - r0)) -gt 0 ] && [ "$z" = "$(dd if=/dev/zero bs=1M count=4 2>/dev/null | sha)" ] &&
			t_pass $n-discard-races-migration ||
			t_fail $n-discard-races-migration "released while isolated +$((r1 - r0)) (want > 0), disk zero after discard: $([ "$z" = "$(dd if=/dev/zero bs=1M count=4 2>/dev/null | sha)" ] && echo yes || echo no)"
	fi
	t_unload movram
done
