#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection lives in test builds only: a release build of an example
# (no MOVCOMPAT_FAULTS; the core forced, where the fault points are) must
# carry none of movcompat's fault points, the same example built with
# MOVCOMPAT_FAULTS=y must carry them (so this check can fail). Looks for the fault knobs' names (debugfs files, the module
# parameter) in the .ko files' strings and symbols. One row per kernel in
# build/results/tests.tsv (suite "harness", test release-has-no-faults).
#
# usage: tests/harness/release-build.sh KEY...

. "$(dirname "$0")/../../ci/lib.sh"

marks='fail_dst_alloc|fail_track|delay_isolated_ms|delay_track_ms|movcompat_fault'
# marks_in KO: fault-point names in what the module loads (its code, data
# and symbols; the debug info and BTF name the empty stubs and the empty
# struct movcompat_faults of release builds too)
marks_in()
{
	objcopy --strip-debug --remove-section=.BTF --remove-section=.BTF.base "$1" "$1.nodebug" 2>/dev/null || { echo -1; return; }
	{ strings "$1.nodebug"; nm "$1.nodebug"; } | grep -cE "$marks"
	rm -f "$1.nodebug"
}

rc=0
mkdir -p "$MC_RESULTS"
for key in "$@"; do
	mc_kernel "$key"
	t=$(mc_now)
	rel=$MC_BUILD/$key/release-check/movram
	dbg=$MC_BUILD/$key/release-check/movram@faults
	bash "$MC_CI/build.sh" "$key" "$MC_TOP/drivers-examples/movram" "$rel" -- MOVCOMPAT_BACKEND=core >/dev/null 2>&1 &&
	bash "$MC_CI/build.sh" "$key" "$MC_TOP/drivers-examples/movram" "$dbg" -- MOVCOMPAT_BACKEND=core MOVCOMPAT_FAULTS=y >/dev/null 2>&1
	built=$?
	n_rel=$(marks_in "$rel/movram.ko")
	n_dbg=$(marks_in "$dbg/movram.ko")
	if [ $built = 0 ] && [ "$n_rel" = 0 ] && [ "$n_dbg" -gt 0 ]; then
		st=PASS why="release movram.ko: no fault point; MOVCOMPAT_FAULTS=y build: $n_dbg"
	else
		st=FAIL rc=1
		why="build exit $built; fault-point names in the release movram.ko: $n_rel (must be 0), in the MOVCOMPAT_FAULTS=y build: $n_dbg (must be > 0)"
	fi
	mc_result harness "$key" release-has-no-faults "$st" "$(mc_since "$t")" "$why"
	mc_log "$key" release "$st: $why"
done
exit $rc
