#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run movcompat's feature probes (compat/probe.sh), with movram's own
# (drivers-examples/movram/probes), for each kernel and print
# the detected table (features and exports x kernels), with the probe time
# cold (empty cache) and cached.
#
# usage: ci/probes.sh [--kernels KEYS] [--check EXPECTED.tsv] [--cold]
# --cold also times a run with an empty probe cache (make probes, bench).
# --check compares with a table in the same format and records one test per
# kernel in build/results/tests.tsv (suite "probes").

. "$(dirname "$0")/lib.sh"

kernels=required check='' cold=0
mc_options "usage: ci/probes.sh [--kernels KEYS] [--check FILE] [--cold]" --cold!cold --kernels=kernels --check=check -- "$@"
keys=$(mc_expand_kernels "$kernels") || exit 64
mkdir -p "$MC_RESULTS"
table=$MC_RESULTS/probes.tsv
: >"$table"

# header_to_rows HEADER: "FEATURE VALUE" lines
header_to_rows()
{
	awk '
		/#define MOVCOMPAT_HAVE_/ { sub("MOVCOMPAT_HAVE_", "", $2); print $2, "Y" }
		/#undef MOVCOMPAT_HAVE_/ { sub("MOVCOMPAT_HAVE_", "", $3); print $3, "-" }
		/#define MOVCOMPAT_EXPORT_GPL_ONLY_/ { sub("MOVCOMPAT_EXPORT_GPL_ONLY_", "", $2); kind[$2] = "G"; next }
		/#define MOVCOMPAT_EXPORT_/ { sub("MOVCOMPAT_EXPORT_", "", $2); kind[$2] = "Y"; order[++n] = $2 }
		/#undef MOVCOMPAT_EXPORT_/ { sub("MOVCOMPAT_EXPORT_", "", $3); kind[$3] = "-"; order[++n] = $3 }
		END { for (i = 1; i <= n; i++) print "export:" order[i], kind[order[i]] }
	' "$1"
}

# probe CACHE-DIR OUT-HEADER [MODE]: one probe.sh run in the current
# kernel's build environment ($out, $K_* set by the loop below); MODE is
# batch (default: all probes in one translation unit) or single
probe()
{
	mc_in_env "$key" env MOVCOMPAT_PROBE_CACHE="$1" MOVCOMPAT_PROBE_MODE="${3:-batch}" sh "$MC_TOP/compat/probe.sh" \
		"$(mc_kdir "$key")" "$2" "$K_CC" y "$MC_TOP/drivers-examples/movram/probes" 2>>"$out/probe.err"
}

rc=0
for key in $keys; do
	mc_kernel "$key"
	bash "$MC_CI/fetch.sh" "$key" >/dev/null 2>&1 && bash "$MC_CI/toolchain.sh" "$key" >/dev/null 2>&1 ||
		{ mc_log "$key" probes "UNAVAILABLE: kernel could not be fetched/prepared"; continue; }
	out=$MC_BUILD/$key/probes
	cache=$MC_CACHE/probes
	rm -rf "$out"
	mkdir -p "$out/cold" "$cache"
	export MC_EXTRA_BIND=$cache
	if [ $cold = 1 ]; then
		t=$(mc_now)
		probe "$out/cold" "$out/cold/movcompat_config.h" ||
			{ mc_log "$key" probes "FAIL: $(tail -n 1 "$out/probe.err")"; continue; }
		tcold=$(mc_since "$t")
	fi
	t=$(mc_now)
	probe "$cache" "$out/movcompat_config.h" ||
		{ mc_log "$key" probes "FAIL: $(tail -n 1 "$out/probe.err")"; continue; }
	first=$(mc_since "$t")
	t=$(mc_now)
	probe "$cache" "$out/movcompat_config.h"
	cached=$(mc_since "$t")
	if [ $cold = 1 ]; then label="cold ${tcold}s"; else label="first ${first}s (shared cache)"; fi
	mc_log "$key" probes "$label, cached ${cached}s"
	printf 'time\t%s\t%s, cached %ss\n' "$key" "$label" "$cached" >>"$table"
	header_to_rows "$out/movcompat_config.h" | while read -r f v; do
		printf 'probe\t%s\t%s\t%s\n' "$key" "$f" "$v" >>"$table"
	done
	[ -n "$check" ] || continue
	# the batch's verdicts against every probe compiled on its own
	t=$(mc_now)
	if ! probe "$cache" "$out/single.h" single; then
		mc_result probes "$key" probe-batch-vs-single FAIL "$(mc_since "$t")" "probe.sh in single mode failed: $(tail -n 1 "$out/probe.err")"
		rc=1
	elif cmp -s "$out/single.h" "$out/movcompat_config.h"; then
		mc_result probes "$key" probe-batch-vs-single PASS "$(mc_since "$t")" "one translation unit gives what each probe compiled alone gives ($(grep -c '^#define MOVCOMPAT_HAVE' "$out/single.h") features present)"
	else
		d=$(diff "$out/single.h" "$out/movcompat_config.h" | grep '^[<>]' | tr '\n' ' ')
		mc_result probes "$key" probe-batch-vs-single FAIL "$(mc_since "$t")" "batch and single-probe results differ (< single, > batch): $(cut -c1-300 <<<"$d")"
		rc=1
	fi
done

# print: features down, kernels across
echo
awk -F'\t' -v keys="$keys" '
	BEGIN { nk = split(keys, k, " ") }
	$1 == "probe" { v[$3, $2] = $4; if (!($3 in seen)) { seen[$3] = 1; f[++nf] = $3 } }
	$1 == "time" { tm[$2] = $3 }
	END {
		printf "%-28s", "feature / export"; for (i = 1; i <= nk; i++) printf " %-6s", k[i]; print ""
		for (j = 1; j <= nf; j++) {
			printf "%-28s", f[j]
			for (i = 1; i <= nk; i++) printf " %-6s", ((f[j], k[i]) in v ? v[f[j], k[i]] : "?")
			print ""
		}
		print ""; for (i = 1; i <= nk; i++) printf "probe time %-6s %s\n", k[i], tm[k[i]]
	}' "$table"

[ -n "$check" ] || exit 0
cols=$(awk '!/^#/ && NF { print; exit }' "$check")
for key in $keys; do
	# a debug kernel is its base kernel's source: the same table
	col=$(awk -v k="${key%-debug}" '{ for (i = 2; i <= NF; i++) if ($i == k) print i }' <<<"$cols")
	if [ -z "$col" ]; then
		mc_result probes "$key" probe-table SKIP 0 "no expected column for $key"
		continue
	fi
	diffs=$(awk -v c="$col" -v k="$key" -F'\t' '
		FNR == NR { if ($1 == "probe" && $2 == k) got[$3] = $4; next }
		/^#/ || NF == 0 { next }
		{ split($0, a, /[ \t]+/); if (a[1] == "feature") next
		  if (!(a[1] in got)) { printf "%s: not probed; ", a[1]; next }
		  if (got[a[1]] != a[c]) printf "%s: got %s, expected %s; ", a[1], got[a[1]], a[c] }
	' "$table" "$check")
	if [ -z "$diffs" ] && grep -q "^probe	$key	" "$table"; then
		mc_result probes "$key" probe-table PASS 0 "matches $(basename "$check")"
	else
		mc_result probes "$key" probe-table FAIL 0 "${diffs:-no probe results}"
		mc_log "$key" probes "MISMATCH: $(cut -c1-400 <<<"${diffs:-no probe results}")"
		rc=1
	fi
done
exit $rc
