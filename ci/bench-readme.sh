#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's performance table, regenerated from one `make bench` run:
# reads build/results/bench.tsv (ci/bench.sh's rows) and replaces the lines
# between "<!-- bench-table:begin -->" and "<!-- bench-table:end -->" in
# README.md. A kernel with no figure of a column shows "-"; kernels in the
# order of ci/kernels.list. ci/bench.sh runs it after every part succeeded.
#
# usage: ci/bench-readme.sh [--tsv FILE] [--readme FILE]
# exit:  0 written; 1 no figures or no markers (nothing changed)

. "$(dirname "$0")/lib.sh"

tsv=$MC_RESULTS/bench.tsv readme=$MC_TOP/README.md
mc_options "usage: ci/bench-readme.sh [--tsv FILE] [--readme FILE]" --tsv=tsv --readme=readme -- "$@"

[ -s "$tsv" ] || mc_die "no benchmark figures in $tsv: run make bench first"
grep -q '^<!-- bench-table:begin -->$' "$readme" && grep -q '^<!-- bench-table:end -->$' "$readme" ||
	mc_die "$readme has no <!-- bench-table:begin --> / <!-- bench-table:end --> lines: add them where the table goes"

order=$(mc_kernel_keys all | tr '\n' ' ')
commit=$(git -C "$MC_TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
stamp=$(date -u -r "$tsv" '+%Y-%m-%d %H:%M UTC')

table=$(awk -F'\t' -v order="$order" -v commit="$commit" -v stamp="$stamp" '
	NF >= 4 { v[$1, $2, $3] = $4; if ($1 ~ /^(core|compact|probes)$/) have[$2] = 1 }
	function f(part, k, m) { return ((part, k, m) in v) ? v[part, k, m] : "-" }
	function pair(part, k, a, b) {
		if (f(part, k, a) == "-" && f(part, k, b) == "-")
			return "-"
		return f(part, k, a) " / " f(part, k, b)
	}
	function kps(x) { return x == "-" || x == "n/a" ? x : sprintf("%d k", x / 1000 + 0.5) }
	# a compaction whose runs moved unlike amounts (bench-compact: "uneven")
	function uneven(k, w,   a) {
		if (split(f("compact", k, w "_pages_moved"), a, "-") != 2 || a[2] <= 4 * a[1])
			return ""
		return " (uneven runs: " a[1] "-" a[2] " pages)"
	}
	END {
		print "Measured by `make bench` at commit " commit " (" stamp "; host loadavg " f("bench", "-", "host_load") \
		      "). QEMU with `-icount` (guest time counts instructions, so host load does not move the" \
		      " ratios), medians of the runs; the limit is every page copied once into a fresh page, which" \
		      " `init_on_alloc=1` (Debian'"'"'s default) zeroes first. Offlining includes the kernel'"'"'s own offline" \
		      " work (isolating the block, scanning it, taking its free pages out of the allocator) for" \
		      " both backends; the core'"'"'s evacuation is the core'"'"'s migration of the same pages alone."
		print ""
		print "| kernel | core / kernel, offlining (`init_on_alloc=1` / `0`) | core / limit, offlining | kernel / limit, offlining | core / limit, evacuation | compaction pages/s, core / kernel | huge pages obtained: no compaction / after the core / after the kernel | probes cold / cached (s) |"
		print "|---|---|---|---|---|---|---|---|"
		n = split(order, ks, " ")
		for (i = 1; i <= n; i++) {
			k = ks[i]
			if (!(k in have))
				continue
			crate = "-"
			if (f("compact", k, "core_pages_per_s") != "-")
				crate = kps(f("compact", k, "core_pages_per_s")) uneven(k, "core") " / " \
					(f("compact", k, "ratio") == "n/a" ? "no hook" : kps(f("compact", k, "kernel_pages_per_s")) uneven(k, "kernel"))
			hp = "-"
			if (f("compact", k, "none_hugepages") != "-")
				hp = f("compact", k, "none_hugepages") " / " f("compact", k, "core_hugepages") " / " \
					(f("compact", k, "ratio") == "n/a" ? "no hook" : f("compact", k, "kernel_hugepages"))
			printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", k,
				pair("core", k, "ratio", "ratio_init0"),
				pair("core", k, "core_fraction_of_copy", "core_fraction_of_copy_init0"),
				pair("core", k, "native_fraction_of_copy", "native_fraction_of_copy_init0"),
				pair("core", k, "core_evacuate_fraction_of_copy", "core_evacuate_fraction_of_copy_init0"),
				crate, hp, pair("probes", k, "cold", "cached")
		}
	}' "$tsv")
[ "$(printf '%s\n' "$table" | grep -c '^| [0-9]')" -gt 0 ] || mc_die "no kernel has a figure in $tsv"

tmp=$(mktemp "$readme.XXXXXX")
awk -v table="$table" '
	/^<!-- bench-table:begin -->$/ { print; print table; skip = 1; next }
	/^<!-- bench-table:end -->$/ { skip = 0 }
	!skip' "$readme" >"$tmp" && mv "$tmp" "$readme"
echo "README.md: performance table regenerated from $tsv"
