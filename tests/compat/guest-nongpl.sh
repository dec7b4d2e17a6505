# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the non-GPL build test: mc_nongpl (MODULE_LICENSE
# "Proprietary", built with MOVCOMPAT_GPL=n) linked (the build is the first
# check), loads, makes its pages movable, compacts, verifies and releases
# them. The backend must be the one the README's licence table names: the
# native hook where the kernel has one, else none (the core is GPL-only).
# The expected backend per kernel release is a cross-check only: movcompat
# chose it from its probes.
t_load mc_nongpl || { return 0 2>/dev/null || exit 0; }
line=$(dmesg | grep 'mc_nongpl: backend' | tail -n 1)
line=${line#*mc_nongpl: }
t_info "$line"
set -- $line
backend=$2 bad=${10}
case $(uname -r) in
4.[89].* | 4.1[0-9].* | 5.*) want=aops ;;	# 4.8-5.19
6.1.* | 6.12.* | 6.16.*) want=mops ;;
*) want=none ;;
esac
[ "$backend" = "$want" ] && t_pass nongpl-backend || t_fail nongpl-backend "backend $backend, the licence table says $want for $(uname -r)"
[ "$bad" = 0 ] && t_pass nongpl-pages-intact || t_fail nongpl-pages-intact "$line"
t_unload mc_nongpl
