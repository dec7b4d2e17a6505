#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Probe time per kernel: compat/probe.sh cold (empty probe cache) and cached.
# Targets (issue 16): <= 3 s cold, <= 0.2 s cached, host and chroot kernels. The timing is ci/probes.sh --cold's
# (its one probe() helper); this script only reads the times it records in
# build/results/probes.tsv and reports them.
#
# usage: ci/bench-probes.sh [--kernels KEYS]
# Appends "probes KERNEL cold|cached SECONDS s" rows to build/results/bench.tsv.
# exit: 0 all kernels timed (whatever the figures), 1 a kernel was not

. "$(dirname "$0")/lib.sh"

kernels=required
mc_options "usage: ci/bench-probes.sh [--kernels KEYS]" --kernels=kernels -- "$@"
keys=$(mc_expand_kernels "$kernels") || exit 64
mkdir -p "$MC_RESULTS"
log=$MC_RESULTS/bench-probes.log
load0=$(cut -d' ' -f1 /proc/loadavg)
bash "$MC_CI/probes.sh" --cold --kernels "$kernels" >"$log" 2>&1
load="$load0-$(cut -d' ' -f1 /proc/loadavg)"

rc=0
echo
echo "Probe time (compat/probe.sh; targets: cold <= 3 s, cached <= 0.2 s; host loadavg $load)"
printf '%-8s %-14s %8s %8s  %s\n' kernel where cold cached verdict
for key in $keys; do
	# probes.sh writes: time<TAB>KEY<TAB>cold Xs, cached Ys
	t=$(awk -F'\t' -v k="$key" '$1 == "time" && $2 == k { print $3 }' "$MC_RESULTS/probes.tsv")
	cold=$(sed -n 's/^cold \([0-9.]*\)s, .*/\1/p' <<<"$t")
	cached=$(sed -n 's/.*, cached \([0-9.]*\)s$/\1/p' <<<"$t")
	if [ -z "$cold" ] || [ -z "$cached" ]; then
		printf '%-8s %-14s %8s %8s  %s\n' "$key" - - - "FAIL: not timed (see $log)"
		printf 'probes\t%s\tcold\tn/a\tfailed\n' "$key" >>"$MC_RESULTS/bench.tsv"
		rc=1
		continue
	fi
	verdict=$(awk -v c="$cold" -v h="$cached" 'BEGIN {
		print (c <= 3 ? "cold ok" : "cold OVER 3 s") ", " (h <= 0.2 ? "cached ok" : "cached OVER 0.2 s") }')
	mc_kernel "$key"
	where=host
	[ -z "$K_CHROOT_SUITE" ] || where="chroot $K_CHROOT_SUITE"
	printf '%-8s %-14s %7ss %7ss  %s\n' "$key" "$where" "$cold" "$cached" "$verdict"
	{
		printf 'probes\t%s\tcold\t%s\ts\n' "$key" "$cold"
		printf 'probes\t%s\tcached\t%s\ts\n' "$key" "$cached"
		printf 'probes\t%s\thost_load\t%s\tloadavg\n' "$key" "$load"
	} >>"$MC_RESULTS/bench.tsv"
done
exit $rc
