#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Semantic patch benchmarks (part of make bench):
#  0. seconds per real file over the corpus of make cocci-test (every file
#     of linux-source-5.10 / 6.12 that uses an API the patches cover);
#  1. seconds per driver file: to_movcompat.cocci (and the balloon patch on
#     balloon drivers) in patch mode on whole drivers, spatch 1.1.1 (and 1.3
#     when ci/cocci-test.sh has built its chroot);
#  2. a scan of Debian's linux-source-7.3 mm/ drivers/ arch/ for users of the
#     old APIs (to_movcompat.cocci + balloon_compaction_to_balloon.cocci in
#     report mode, 2 jobs): with a prefilter on the APIs' identifiers
#     (GNU grep, git grep --no-index, idutils), side by side with the naive
#     run (spatch --dir with only its own token prefilter). The naive run
#     over the whole tree takes tens of minutes here, so it is measured in
#     full on mm/ and on a fixed sample of drivers/ + arch/ files and
#     extrapolated to the whole tree; the table labels it "estimated".
# Appends "bench KERNEL METRIC VALUE UNIT" rows to $MC_RESULTS/bench.tsv.
#
# usage: ci/bench-cocci.sh [--sample-every N] [--kernels KEYS]
#        (sample default 100; --kernels is accepted from ci/bench.sh and
#        ignored: the figures do not depend on a kernel build)

. "$(dirname "$0")/lib.sh"

SP=$MC_TOP/semantic-patches
W=$MC_BUILD/bench-cocci
CROOT=$MC_COCCI_ROOT
EVERY=100
mc_options "usage: ci/bench-cocci.sh [--sample-every N] [--kernels KEYS]" --sample-every=EVERY --kernels=kernels_ignored -- "$@"
# the old APIs' identifiers (every transition)
API_RE='\b(__SetPageMovable|__ClearPageMovable|PageMovable|MIGRATEPAGE_SUCCESS|address_space_operations|movable_operations|balloon_compaction\.h|balloon_page_delete|balloon_page_push|balloon_page_pop|balloon_page_insert|balloon_page_finalize|CONFIG_BALLOON_COMPACTION|CONFIG_MEMORY_BALLOON)\b'
API_IDS="__SetPageMovable __ClearPageMovable PageMovable MIGRATEPAGE_SUCCESS address_space_operations movable_operations balloon_page_delete balloon_page_push balloon_page_pop balloon_page_insert balloon_page_finalize CONFIG_BALLOON_COMPACTION CONFIG_MEMORY_BALLOON"

bench() # METRIC VALUE UNIT [KERNEL]
{
	mkdir -p "$MC_RESULTS"
	printf 'cocci\t%s\t%s\t%s\t%s\n' "${4:--}" "$1" "$2" "$3" >>"$MC_RESULTS/bench.tsv"
}

# best2 CMD...: run twice, print the shorter wall time (2 decimals)
best2()
{
	local a b
	a=$(secs "$@")
	b=$(secs "$@")
	awk -v a="$a" -v b="$b" 'BEGIN { print (a < b) ? a : b }'
}

# secs CMD...: run, print the wall seconds (2 decimals)
secs()
{
	local t
	t=$(date +%s.%N)
	"$@" >/dev/null 2>&1
	awk -v a="$(date +%s.%N)" -v b="$t" 'BEGIN { printf "%.2f", a - b }'
}

spatch_new() { mc_spatch_new "$@"; }

# Coccinelle with the libpython its Python rules load (as cocci-test.sh)
bash "$MC_CI/deps.sh" --cocci >&2 || mc_die "coccinelle (spatch) missing and ci/deps.sh --cocci could not install it"
mkdir -p "$W"
s510=$(bash "$MC_CI/fetch-source.sh" 5.10 2>/dev/null) || mc_die "linux-source-5.10 unavailable"
s61=$(bash "$MC_CI/fetch-source.sh" 6.1 2>/dev/null) || mc_die "linux-source-6.1 unavailable"
s73=$(bash "$MC_CI/fetch-source.sh" 7.3 2>/dev/null) || mc_die "linux-source-7.3 unavailable"
have_new=
[ -e "$CROOT/.movcompat-ok" ] && have_new=1

# ---------------------------------------------------------------- per file
echo
echo "Seconds per driver file (patch mode, one spatch run per file, wall clock, best of 2;"
echo "each run includes about 0.3 s of spatch start-up: parsing the semantic patch):"
printf '| %-44s | %-34s | %6s | %8s | %8s |\n' file patch lines "1.1.1 s" "1.3 s"
printf '|%s|%s|%s|%s|%s|\n' "$(printf '%.0s-' {1..46})" "$(printf '%.0s-' {1..36})" "--------" "----------" "----------"
max_old=0 sum_old=0 n=0 max_new=0
rm -f "$W"/perfile.*
while read -r label file patch; do
	f=f$n-$(basename "$file")
	cp "$file" "$W/$f"
	o=$(cd "$W" && best2 spatch --very-quiet -D patch --sp-file "$SP/$patch.cocci" "$f")
	nw=-
	[ -n "$have_new" ] &&
		nw=$(cd "$W" && best2 spatch_new --very-quiet -D patch --sp-file "$SP/$patch.cocci" "$f")
	echo "$f" >>"$W/perfile.$patch"
	printf '| %-44s | %-34s | %6s | %8s | %8s |\n' "$label" "$patch.cocci" "$(wc -l <"$file")" "$o" "$nw"
	max_old=$(awk -v a="$max_old" -v b="$o" 'BEGIN { print (b > a) ? b : a }')
	[ "$nw" != - ] && max_new=$(awk -v a="$max_new" -v b="$nw" 'BEGIN { print (b > a) ? b : a }')
	sum_old=$(awk -v a="$sum_old" -v b="$o" 'BEGIN { print a + b }')
	n=$((n + 1))
done <<EOF
tests/aops_to_mops.c(4.8-5.19-driver)          $SP/tests/aops_to_mops.c to_movcompat
tests/mops_to_movcompat.c(6.0-6.16-driver)     $SP/tests/mops_to_movcompat.c to_movcompat
5.10-mm/zsmalloc.c                              $s510/mm/zsmalloc.c to_movcompat
6.1-mm/zsmalloc.c                               $s61/mm/zsmalloc.c to_movcompat
5.10-drivers/misc/vmw_balloon.c                 $s510/drivers/misc/vmw_balloon.c balloon_compaction_to_balloon
6.1-drivers/virtio/virtio_balloon.c             $s61/drivers/virtio/virtio_balloon.c balloon_compaction_to_balloon
EOF
mean_old=$(awk -v s="$sum_old" -v n="$n" 'BEGIN { printf "%.2f", s / n }')
# amortised: one spatch run per patch over all its files (start-up once)
tot=0
for f in "$W"/perfile.*; do
	p=${f##*perfile.}
	awk '{ print; print "" }' "$f" >"$f.groups"
	tot=$(awk -v a="$tot" -v b="$(cd "$W" && best2 spatch --very-quiet -D patch \
		--sp-file "$SP/$p.cocci" --file-groups "$f.groups")" 'BEGIN { print a + b }')
done
amort=$(awk -v t="$tot" -v n="$n" 'BEGIN { printf "%.2f", t / n }')
echo "amortised (one spatch run per patch over its files, 1.1.1): $amort s per file"
bench cocci_per_file_amortised_1.1.1 "$amort" s
echo "per file: mean $mean_old s, max $max_old s with 1.1.1${have_new:+; max $max_new s with 1.3} (target < 1 s)"
bench cocci_per_file_mean_1.1.1 "$mean_old" s
bench cocci_per_file_max_1.1.1 "$max_old" s
[ -n "$have_new" ] && bench cocci_per_file_max_1.3 "$max_new" s

# ---------------------------------------------------------------- corpus
# seconds per real file: every file of the corpus of make cocci-test
# (mc_cocci_corpus), patch mode, spatch 1.1.1, one run each
s612=$(bash "$MC_CI/fetch-source.sh" 6.12 2>/dev/null) || mc_die "linux-source-6.12 unavailable"
echo
echo "Seconds per real file: the corpus of make cocci-test (every file of the tree that uses an"
echo "API the patches cover), patch mode, one spatch 1.1.1 run each, wall clock:"
printf '| %-36s | %-18s | %5s | %7s | %7s | %-44s |\n' patch tree files "mean s" "max s" "slowest file"
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf '%.0s-' {1..38})" "--------------------" "-------" "---------" "---------" "$(printf '%.0s-' {1..46})"
for run in "aops_to_mops 5.10 $s510" "balloon_compaction_to_balloon 6.12 $s612"; do
	read -r p v src <<<"$run"
	rm -f "$W/corpus.times"
	while read -r f; do
		c=corpus-$(tr / _ <<<"${f#./}")
		cp "$src/$f" "$W/$c"
		echo "$(cd "$W" && secs spatch --very-quiet -D patch --sp-file "$SP/$p.cocci" "$c") ${f#./}" >>"$W/corpus.times"
	done < <(mc_cocci_corpus "$src")
	read -r nf mean mx slow < <(sort -n "$W/corpus.times" | awk '{ s += $1; n++; m = $1; f = $2 }
		END { printf "%d %.2f %.2f %s\n", n, s / n, m, f }')
	printf '| %-36s | %-18s | %5s | %7s | %7s | %-44s |\n' "$p.cocci" "linux-source-$v" "$nf" "$mean" "$mx" "$slow"
	bench "cocci_corpus_mean_$p" "$mean" s "$v"
	bench "cocci_corpus_max_$p" "$mx" s "$v"
done
echo "(target: < 1 s per file on an idle machine; the per-driver figures above are the same measure)"

# ---------------------------------------------------------------- tree scan
cd "$s73" || exit 1
nc=$(find mm drivers arch -name '*.c' | wc -l)
nh=$(find mm drivers arch -name '*.h' | wc -l)
echo
echo "Scan of linux-source-7.3 mm/ drivers/ arch/ ($nc .c + $nh .h files) for old-API users, 2 jobs:"

# prefilters
t_grep=$(secs bash -c "grep -rlE --include='*.[ch]' '$API_RE' mm drivers arch >'$W/pre-grep.list'")
sort -o "$W/pre-grep.list" "$W/pre-grep.list"
t_git=$(secs bash -c "git grep --no-index -l -E '$API_RE' -- mm drivers arch | grep -E '[.][ch]\$' >'$W/pre-git.list'")
sort -o "$W/pre-git.list" "$W/pre-git.list"
t_mkid=- t_lid=-
command -v mkid >/dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q id-utils >/dev/null 2>&1
if command -v mkid >/dev/null; then
	t_mkid=$(secs mkid -o "$W/ID" --include=C mm drivers arch)
	# shellcheck disable=SC2086
	t_lid=$(secs bash -c "for i in $API_IDS; do lid -f '$W/ID' -R filenames \"\$i\" 2>/dev/null; done |
		tr ' ' '\n' | grep -E '\.[ch]$' | sort -u >'$W/pre-id.list'")
fi
npre=$(wc -l <"$W/pre-grep.list")

# spatch on the prefiltered files: one file group per file, 2 jobs
scan_files() # LIST OUT: both patches in report mode on the listed files
{
	awk '{ print; print "" }' "$1" >"$1.groups"
	for p in to_movcompat balloon_compaction_to_balloon; do
		spatch --very-quiet -D report --sp-file "$SP/$p.cocci" --no-includes \
			--include-headers --file-groups "$1.groups" --jobs 2 --chunksize 1
	done 2>/dev/null | sort -u >"$2"
}
t_spatch=$(secs scan_files "$W/pre-grep.list" "$W/found-prefiltered.txt")
t_total=$(awk -v a="$t_grep" -v b="$t_spatch" 'BEGIN { printf "%.2f", a + b }')

# naive: spatch --dir (its own token prefilter only), mm/ in full ...
scan_dir() # DIR OUT
{
	for p in to_movcompat balloon_compaction_to_balloon; do
		spatch --very-quiet -D report --sp-file "$SP/$p.cocci" --no-includes \
			--include-headers --dir "$1" --jobs 2 --chunksize 1
	done 2>/dev/null | sort -u >"$2"
}
t_naive_mm=$(secs scan_dir mm "$W/found-naive-mm.txt")
# ... and a fixed sample of drivers/ + arch/ (every EVERY-th file, sorted)
find drivers arch -name '*.[ch]' | sort | awk -v e="$EVERY" 'NR % e == 1' >"$W/sample.list"
nsample=$(wc -l <"$W/sample.list")
t_sample=$(secs scan_files "$W/sample.list" "$W/found-naive-sample.txt")
nda=$(find drivers arch -name '*.[ch]' | wc -l)
t_naive_est=$(awk -v m="$t_naive_mm" -v s="$t_sample" -v n="$nda" -v k="$nsample" \
	'BEGIN { printf "%.0f", m + s * n / k }')
# the prefiltered scan must find in mm/ what the naive run found there
grep '^mm/' "$W/found-prefiltered.txt" >"$W/found-prefiltered-mm.txt"
same=no
cmp -s "$W/found-prefiltered-mm.txt" "$W/found-naive-mm.txt" && same=yes
missed=$(grep -c -v -F -f "$W/found-prefiltered.txt" "$W/found-naive-sample.txt")

printf '| %-62s | %9s | %7s |\n' run seconds files
printf '|%s|%s|%s|\n' "$(printf '%.0s-' {1..64})" "-----------" "---------"
printf '| %-62s | %9s | %7s |\n' "prefilter: GNU grep -rlE on the API identifiers" "$t_grep" "$npre"
printf '| %-62s | %9s | %7s |\n' "prefilter: git grep --no-index (same regex)" "$t_git" "$(wc -l <"$W/pre-git.list")"
printf '| %-62s | %9s | %7s |\n' "prefilter: idutils mkid (index build, once)" "$t_mkid" "-"
printf '| %-62s | %9s | %7s |\n' "prefilter: idutils lid (query)" "$t_lid" "$( [ -s "$W/pre-id.list" ] && wc -l <"$W/pre-id.list" || echo -)"
printf '| %-62s | %9s | %7s |\n' "spatch, 2 patches, report, on the prefiltered files" "$t_spatch" "$npre"
printf '| %-62s | %9s | %7s |\n' "TOTAL with prefilter (grep + spatch)" "$t_total" "$npre"
printf '| %-62s | %9s | %7s |\n' "naive spatch --dir mm (measured)" "$t_naive_mm" "$(find mm -name '*.[ch]' | wc -l)"
printf '| %-62s | %9s | %7s |\n' "naive on a 1-in-$EVERY sample of drivers/+arch/ (measured)" "$t_sample" "$nsample"
printf '| %-62s | %9s | %7s |\n' "naive, whole mm/ drivers/ arch/ (ESTIMATED from the sample)" "~$t_naive_est" "$((nc + nh))"
echo "findings with prefilter: $(wc -l <"$W/found-prefiltered.txt") report lines in $npre files;" \
	"identical to the naive run on mm/: $same; naive sample lines missing from the prefiltered run: $missed"
echo "speed-up (naive estimate / prefiltered total): $(awk -v a="$t_naive_est" -v b="$t_total" 'BEGIN { printf "%.0fx", a / b }')" \
	"(target: prefiltered total <= 60 s on 2 cores)"
bench cocci_scan73_prefiltered_total "$t_total" s 7.3
bench cocci_scan73_grep "$t_grep" s 7.3
bench cocci_scan73_gitgrep "$t_git" s 7.3
[ "$t_mkid" != - ] && bench cocci_scan73_mkid "$t_mkid" s 7.3
[ "$t_lid" != - ] && bench cocci_scan73_lid "$t_lid" s 7.3
bench cocci_scan73_spatch_prefiltered "$t_spatch" s 7.3
bench cocci_scan73_naive_mm "$t_naive_mm" s 7.3
bench cocci_scan73_naive_estimated "$t_naive_est" s 7.3
exit 0
