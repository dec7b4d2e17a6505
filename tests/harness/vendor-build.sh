#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make vendor works: movcompat vendored (ci/vendor.sh) into a copy of the
# movram example, which must then build for each kernel with no
# MOVCOMPAT_DIR at all (its Kbuild's MOVCOMPAT_DIR ?= $(src)/movcompat), as
# a user's 'make -C $KDIR M=$PWD' does; and vendoring over something that
# is not a vendored copy must be refused. One row per kernel in
# build/results/tests.tsv (suite "harness", test vendored-build).
#
# usage: tests/harness/vendor-build.sh KEY...

. "$(dirname "$0")/../../ci/lib.sh"

mkdir -p "$MC_RESULTS"
row() { mc_check vendor "$@"; } # KERNEL TEST STATUS SECONDS DETAIL

drv=$MC_BUILD/vendor/movram
rm -rf "$drv"
mkdir -p "$(dirname "$drv")"
cp -a "$MC_TOP/drivers-examples/movram" "$drv"
t=$(mc_now)
if bash "$MC_CI/vendor.sh" "$drv/movcompat" >/dev/null 2>"$drv.vendor.err" &&
	[ -f "$drv/movcompat/VERSION" ] && [ -f "$drv/movcompat/compat/movcompat.mk" ] &&
	[ ! -e "$drv/movcompat/tests" ]; then
	row - vendor PASS "$(mc_since "$t")" "$(find "$drv/movcompat" -type f | wc -l) files, $(head -n 1 "$drv/movcompat/VERSION")"
else
	row - vendor FAIL "$(mc_since "$t")" "ci/vendor.sh failed or left an incomplete tree: $(tail -n 1 "$drv.vendor.err")"
fi
# a directory that is not a vendored copy is never overwritten
mkdir -p "$MC_BUILD/vendor/not-movcompat"
echo keep >"$MC_BUILD/vendor/not-movcompat/file"
if bash "$MC_CI/vendor.sh" "$MC_BUILD/vendor/not-movcompat" >/dev/null 2>&1 ||
	[ "$(cat "$MC_BUILD/vendor/not-movcompat/file")" != keep ]; then
	row - vendor-refuses-other-dir FAIL 0 "vendoring over a directory without VERSION was not refused"
else
	row - vendor-refuses-other-dir PASS 0 "a directory that is not a vendored copy is refused"
fi
for key in "$@"; do
	t=$(mc_now)
	out=$MC_BUILD/$key/vendor/movram
	mkdir -p "$(dirname "$out")"
	# built from the vendored copy: its include directory, not the checkout's
	cmd=$out/movcompat_build/.movcompat_domain.o.cmd
	if bash "$MC_CI/build.sh" --vendored "$key" "$drv" "$out" >"$out.log" 2>&1 && [ -f "$out/movram.ko" ] &&
		grep -q -- "-I$out/movcompat/include" "$cmd" && ! grep -q -- "-I$MC_TOP/include" "$cmd"; then
		row "$key" vendored-build PASS "$(mc_since "$t")" "movram with movcompat vendored, no MOVCOMPAT_DIR"
	else
		row "$key" vendored-build FAIL "$(mc_since "$t")" "see $out.log and $out/build.log"
	fi
done
exit $MC_CHECK_RC
