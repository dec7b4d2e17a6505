#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The soak (make soak): per kernel, one boot per backend runs
# tests/soak/guest-soak.sh for SOAK_S seconds (concurrent RAM-disk reader,
# writer and discarder, page-pool refills, compaction and memory-block
# offline/online loops), then verifies every page and the page counts.
# Prints a table of pages migrated, migrations per second, retries, errors,
# bad and lost pages per kernel and backend, and the totals; writes
# build/results/soak.tsv and rows in build/results/tests.tsv.
# Passes when every soak test passed, no page was bad or lost, and the
# total of migrations reached the minimum: 1,000,000 for the default length,
# in proportion for another length (MOVCOMPAT_SOAK_MIN overrides).
#
# usage: ci/soak.sh [--kernels KEYS] [--seconds S]
#        (make soak [KERNELS=...] [SOAK_S=...])

. "$(dirname "$0")/lib.sh"

DEFAULT_S=60
DEFAULT_MIN=1000000
kernels=required secs=$DEFAULT_S
mc_options "usage: ci/soak.sh [--kernels KEYS] [--seconds S]" --kernels=kernels --seconds=secs -- "$@"
case $secs in
'' | *[!0-9]*) mc_die "--seconds '$secs' is not a number of seconds (e.g. SOAK_S=120)" 64 ;;
esac
[ "$secs" -ge 10 ] || mc_die "--seconds $secs: a soak shorter than 10 s proves nothing; use at least 10" 64
min=${MOVCOMPAT_SOAK_MIN:-$((DEFAULT_MIN * secs / DEFAULT_S))}
keys=$(mc_expand_kernels "$kernels") || exit 64
mkdir -p "$MC_RESULTS"
: >"$MC_RESULTS/tests.tsv"
: >"$MC_RESULTS/steps.tsv"
bash "$MC_CI/deps.sh" || mc_die "host packages missing; see above"

list=$MC_RESULTS/soak.list
sed -e "s/@SOAK_S@/$secs/g" -e "s/@TIMEOUT@/$((secs * 2 + 300))/g" "$MC_TOP/tests/soak/soak.list" >"$list"
mc_log soak start "kernels: $keys; $secs s per boot; minimum $min migrations in total"
bash "$MC_CI/matrix.sh" --kernels "$kernels" --tests "$list"

out=$MC_RESULTS/soak.tsv
printf 'kernel\ttest\tbackend\tseconds\tmigrated\tper_s\tio_retries\tmigrate_retries\terrors\tbad\tlost\tofflined\n' >"$out"
for key in $keys; do
	for d in "$MC_BUILD/$key"/vm-soak*; do
		[ -r "$d/info.txt" ] || continue
		line=$(grep -o 'SOAK .*' "$d/info.txt" | tail -n 1)
		[ -n "$line" ] || continue
		awk -v k="$key" -v t="${d##*/vm-}" '{
			for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k, t,
				v["backend"] "/" v["pool"], v["seconds"], v["migrated"], v["rate"],
				v["io_retries"], v["migrate_retries"], v["errors"], v["bad"], v["lost"], v["offlined"]
		}' <<<"$line" >>"$out"
	done
done

echo
column -t -s $'\t' "$out"
read -r total bad lost < <(awk -F'\t' 'NR > 1 { m += $5; b += $10; l += $11 } END { print m + 0, b + 0, l + 0 }' "$out")
echo
echo "total: $total pages migrated (minimum $min), $bad bad, $lost lost"
if [ "$total" -ge "$min" ] && [ "$bad" = 0 ] && [ "$lost" = 0 ]; then
	st=PASS
else
	st=FAIL
fi
mc_result soak - total "$st" "$(mc_since "$MC_T0")" "$total migrated (minimum $min), $bad bad, $lost lost"

mc_report_results "soak figures: $out"
