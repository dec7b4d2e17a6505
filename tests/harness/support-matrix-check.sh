#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The support matrix stays in step with the results format: generated from
# this run's results (build/results/support-matrix.md), it must have a row
# for every kernel the matrix ran, each with a release and a tests column
# (N/M), and the committed docs/support-matrix.md must have the same table
# header (a change of the generator's columns makes it stale: run make
# support-matrix). One row in build/results/tests.tsv (suite "harness").
#
# usage: tests/harness/support-matrix-check.sh

. "$(dirname "$0")/../../ci/lib.sh"

t=$(mc_now)
gen=$MC_RESULTS/support-matrix.md
doc=$MC_TOP/docs/support-matrix.md
why=
if ! bash "$MC_CI/support-matrix.sh" --out "$gen" >/dev/null 2>"$gen.err"; then
	why="the generator failed: $(tail -n 1 "$gen.err")"
else
	# the kernels of summary.tsv that the kernel list has (a run on a
	# list of one's own may have left others: the table leaves them out)
	want=$(mc_kernel_keys all | awk 'NR == FNR { k[$1] = 1; next } NF && k[$1]' - "$MC_RESULTS/summary.tsv" | wc -l)
	rows=$(grep -cE '^\| [^ ]+ \| `[^`]+` \|.*\| [0-9]+/[0-9]+ \|' "$gen")
	hdr_gen=$(grep -m1 '^| kernel |' "$gen")
	hdr_doc=$(grep -m1 '^| kernel |' "$doc" 2>/dev/null)
	if [ "$rows" != "$want" ]; then
		why="$rows well-formed rows for $want kernels in summary.tsv (see $gen)"
	elif [ "$hdr_gen" != "$hdr_doc" ]; then
		why="docs/support-matrix.md has other columns than ci/support-matrix.sh writes now: run make support-matrix after make test"
	fi
fi
if [ -z "$why" ]; then
	st=PASS why="generated for $want kernels; docs/support-matrix.md has the same columns"
else
	st=FAIL
fi
mc_result harness - support-matrix "$st" "$(mc_since "$t")" "$why"
mc_log - support "support-matrix: $st: $why"
[ $st = PASS ]
