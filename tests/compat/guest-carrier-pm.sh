# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the carrier's hibernation-window test: the carrier leaves
# its pages out of hibernation images, so it refuses to hibernate while it
# carries pages (guest-pages.sh) and must refuse to carry new pages from
# the moment its guard let a hibernation start until it ends. mc_pages
# (carrier=1, pm_late=1) releases its pages, so the guard lets the
# hibernation begin; its own PM notifier, called after movcompat's, makes a
# page movable then and cancels the hibernation. That make_movable must
# have been refused (-EBUSY), and one after the window must work (0).
case ${MCT_TEST:-} in
carrier-pm-core) M=mc_pages_core ;;
*) M=mc_pages ;;
esac
D=/sys/kernel/debug/$M
t_load $M npages=16 carrier=1 pm_late=1
[ -w $D/late ] || { t_fail carrier-pm-debugfs "no $D/late"; return 0 2>/dev/null || exit 0; }
echo 1 >$D/release
grep -qw disk /sys/power/state || t_fail carrier-pm-window "no 'disk' in /sys/power/state: $(cat /sys/power/state)"
echo disk >/sys/power/state 2>/dev/null && t_info "hibernation returned success (expected the test module to cancel it)"
echo 1 >$D/late
read -r _ prep _ after <$D/late
t_info "make_movable during the hibernation window: $prep, after it: $after"
[ "$prep" = -16 ] && t_pass carrier-pm-refused-in-window ||
	t_fail carrier-pm-refused-in-window "make_movable between the guard and the snapshot returned $prep, want -16 (EBUSY): that page would be left out of the image"
[ "$after" = 0 ] && t_pass carrier-pm-carries-after-window ||
	t_fail carrier-pm-carries-after-window "make_movable after the hibernation returned $after"
t_unload $M
