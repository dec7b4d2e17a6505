#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-tree on the default kernel's headers tree and on a copy of it
# without Module.symvers (a tree after modules_prepare only):
#  headers       probes, the backend from a built module's modinfo, and
#                the modules (movram, mc_pages) built: exit 0;
#  no-symvers    one line saying the exports are unknown and what to give,
#                nothing built: exit 1;
#  symvers-file  the same copy with SYMVERS= naming the kernel's
#                Module.symvers: the same backend as the headers tree.
# Rows in build/results/tests.tsv (suite "harness", tests check-tree-*).
#
# usage: tests/harness/check-tree.sh [KEY]   (default: the default kernel)

. "$(dirname "$0")/../../ci/lib.sh"

key=${1:-$MC_DEFAULT_KERNEL}
mc_kernel "$key"
[ -z "$K_CHROOT_SUITE" ] || mc_die "tests/harness/check-tree.sh needs a host-built kernel (not $key)" 64
kdir=$(mc_kdir "$key")
w=$MC_BUILD/check-tree-test
rm -rf "$w"
mkdir -p "$w"
only="drivers-examples/movram tests/compat/mc_pages"
row() { mc_check check-tree "$key" "$@"; } # TEST STATUS SECONDS DETAIL
backend() { sed -n 's/^backend: \([a-z]*\),.*/\1/p' "$1"; }

t=$(mc_now)
bash "$MC_CI/check-tree.sh" "$kdir" --only "$only" >"$w/headers.log" 2>&1
got=$?
b1=$(backend "$w/headers.log")
if [ $got = 0 ] && [ -n "$b1" ] && grep -q 'check-tree: 2 of 2 module directories built' "$w/headers.log"; then
	row check-tree-headers PASS "$(mc_since "$t")" "backend $b1; 2 of 2 module directories built"
else
	row check-tree-headers FAIL "$(mc_since "$t")" "exit $got, backend '${b1:-none}': $(tail -n 1 "$w/headers.log")"
fi

# a copy of the tree without Module.symvers (its relative links made absolute)
tree=$w/tree
mc_copy_kernel_tree "$kdir" "$tree"
rm -f "$tree/Module.symvers"
t=$(mc_now)
bash "$MC_CI/check-tree.sh" "$tree" --only "$only" >"$w/no-symvers.log" 2>&1
got=$?
if [ $got = 1 ] && [ "$(grep -c 'has no Module.symvers' "$w/no-symvers.log")" = 1 ] &&
	! grep -q 'built (' "$w/no-symvers.log"; then
	row check-tree-no-symvers PASS "$(mc_since "$t")" "$(grep 'has no Module.symvers' "$w/no-symvers.log" | cut -c1-160)"
else
	row check-tree-no-symvers FAIL "$(mc_since "$t")" "exit $got (want 1 and one line saying Module.symvers is missing): $(tail -n 1 "$w/no-symvers.log")"
fi

t=$(mc_now)
bash "$MC_CI/check-tree.sh" "$tree" --only "$only" --symvers "$kdir/Module.symvers" >"$w/symvers-file.log" 2>&1
got=$?
b2=$(backend "$w/symvers-file.log")
if [ $got = 0 ] && [ "$b2" = "$b1" ] && grep -q 'check-tree: 2 of 2 module directories built' "$w/symvers-file.log"; then
	row check-tree-symvers-file PASS "$(mc_since "$t")" "SYMVERS= given: backend $b2, as with the headers' own Module.symvers"
else
	row check-tree-symvers-file FAIL "$(mc_since "$t")" "exit $got, backend '${b2:-none}' (headers tree: '${b1:-none}'): $(tail -n 1 "$w/symvers-file.log")"
fi
exit $MC_CHECK_RC
