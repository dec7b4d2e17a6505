#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make cocci-test: the semantic patches' tests, with Debian 12's spatch
# (1.1.1, host) and the newest Coccinelle Debian ships (trixie, in a cached
# chroot):
#  - every case semantic-patches/tests/PATCH[__CASE].c gives PATCH[__CASE].res
#    (or .res-1.3 where 1.3 formats blank lines differently), and applying
#    the patch again changes nothing (idempotence);
#  - report mode exits as tests/report.list says (1 = something to finish);
#  - bad input: unparsable files are left byte-for-byte unchanged and named
#    with their line, a driver not using the API is left unchanged;
#  - every file in tests/compile.list builds as a module for its kernels;
#  - real sources: Debian's linux-source-5.10 mm/zsmalloc.c and
#    mm/balloon_compaction.c through aops_to_mops, compared hunk by hunk with
#    linux-source-6.1; to_movcompat on zsmalloc built against 6.1 (6.1's
#    file) and 5.10 (5.10's file plus the documented hand-finishing);
#  - make coccicheck COCCI=... MODE=... M=... in the linux-source-6.1 tree.
# Rows go to $MC_RESULTS/tests.tsv with suite "cocci".
#
# usage: ci/cocci-test.sh [--update] [--kernels KEYS]
#   --update   rewrite the .res files from the current patches
#   --kernels  build only for these kernels (ci/kernels.list keys, required,
#              optional, all; default required); other builds are SKIP
# exit:  0 all passed, 1 a test failed

. "$(dirname "$0")/lib.sh"

SP=$MC_TOP/semantic-patches
T=$SP/tests
W=$MC_BUILD/cocci
COCCI_SUITE=$MC_COCCI_SUITE
CROOT=$MC_COCCI_ROOT
PATCHES="aops_to_mops mops_to_movcompat to_movcompat balloon_compaction_to_balloon balloon_to_movcompat"
UPDATE=
kernels=required
mc_options "usage: ci/cocci-test.sh [--update] [--kernels KEYS]" --update!UPDATE --kernels=kernels -- "$@"
KEYS=" $(mc_expand_kernels "$kernels") " || exit 64
npass=0
nfail=0
nskip=0
failed=

# rec KERNEL TEST STATUS SECONDS DETAIL
rec()
{
	mkdir -p "$MC_RESULTS"
	mc_result cocci "$1" "$2" "$3" "$4" "$5"
	case $3 in
	PASS) npass=$((npass + 1)) ;;
	SKIP) nskip=$((nskip + 1)) ;;
	FAIL) nfail=$((nfail + 1)); failed="$failed $2" ;;
	esac
	mc_log "$1" cocci "$3 $2${5:+ ($5)}"
}

# check KERNEL TEST T0 DETAIL CMD...: run CMD, record PASS/FAIL.
check()
{
	local k=$1 name=$2 t=$3 detail=$4
	shift 4
	if "$@"; then
		rec "$k" "$name" PASS "$(mc_since "$t")" "$detail"
	else
		rec "$k" "$name" FAIL "$(mc_since "$t")" "$detail"
	fi
}

# ---------------------------------------------------------------- spatch

setup_host()
{
	bash "$MC_CI/deps.sh" --cocci || mc_die "the packages the semantic patches' tests need are missing; see above"
}

# the newest Debian Coccinelle, in its own minbase chroot (no mount stays)
setup_chroot()
{
	[ -e "$CROOT/.movcompat-ok" ] && return 0
	local t
	t=$(mc_now)
	mc_log - cocci "building the $COCCI_SUITE chroot for the newest spatch (once)"
	mc_debootstrap "$COCCI_SUITE" "$CROOT" "$W/chroot.log" "" coccinelle libpython3-dev ||
		mc_die "could not build the $COCCI_SUITE chroot for spatch (see $W/chroot.log)"
	mc_log - cocci "chroot $COCCI_SUITE with $(spatch_new --version | head -n 1) in $(mc_since "$t")s"
}

# spatch_new ARGS...: the chroot's spatch, run in the current directory
# (repository, build tree and source cache bind-mounted at their paths)
spatch_new() { mc_spatch_new "$@"; }

spatch_old() { spatch "$@"; }

# spatch_run VER ARGS...: spatch_VER ARGS, through an output cache: a run
# whose every input was the same as in an earlier run (that spatch: the
# packages installed where it runs; the arguments; the content of every file
# named in them and of the local headers those files include) gets that
# run's output back, like ccache does for a compiler: its stdout, stderr and
# exit status, and the files it changed in place. The test's own checks
# (comparing with the .res, idempotence, exit codes, reports) always run,
# on that output. What they read is deterministic (the edited file, the
# exit status, which MANUAL messages): measured twice, only the order of the
# messages (python rules) and the temporary file named in a diff header
# differed between runs, and no check depends on either.
# MOVCOMPAT_TOOL_CACHE=0 runs every spatch. Cache:
# $MC_CACHE/tool-outputs/spatch-VER/KEY. Counts the runs and the reused ones
# in $W/VER.spatch-runs.
# SPATCH_ID[old|new] (set once spatch is set up): every package
# where that spatch runs (spatch, its standard isos, python), as the hash
# of that dpkg database: a package change is a new tool.
# reused VER: "; output reused" when that spatch's last run came from the cache
reused() { [ "$(tail -n 1 "$W/$1.spatch-runs" 2>/dev/null)" = hit ] && echo "; spatch output reused"; }
spatch_run()
{
	local ver=$1 key dir a n=0 rc tmp hash=()
	shift
	if [ "${MOVCOMPAT_TOOL_CACHE:-1}" = 0 ] || [ -n "$UPDATE" ]; then
		echo run >>"$W/$ver.spatch-runs"
		"spatch_$ver" "$@"
		return
	fi
	# the content of every file argument: part of the key, and how a
	# file spatch changed in place is told apart afterwards
	for a in "$@"; do
		n=$((n + 1))
		[ -f "$a" ] && hash[n]=$(sha256sum <"$a" | cut -c1-64)
	done
	key=$({
		echo "spatch-$ver ${SPATCH_ID[$ver]}"
		# paths relative to the checkout and the cache: a new clone
		# elsewhere is the same input
		for a in "$@"; do
			a=${a//$MC_BUILD/@BUILD@}
			a=${a//$MC_TOP/@TOP@}
			echo "arg ${a//$MC_CACHE/@CACHE@}"
		done
		n=0
		for a in "$@"; do
			n=$((n + 1))
			[ -n "${hash[n]:-}" ] || continue
			echo "file $(basename "$a") ${hash[n]}"
			# local headers (#include "x.h") spatch may read
			sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$a" |
				while read -r h; do
					if [ -f "$(dirname "$a")/$h" ]; then
						echo "include $h $(sha256sum <"$(dirname "$a")/$h" | cut -c1-64)"
					else
						echo "include $h missing"
					fi
				done
		done
	} | sha256sum | cut -c1-32)
	dir=$MC_CACHE/tool-outputs/spatch-$ver/$key
	n=0
	if [ -e "$dir/rc" ]; then
		echo hit >>"$W/$ver.spatch-runs"
		for a in "$@"; do
			n=$((n + 1))
			[ -e "$dir/file.$n" ] && cat "$dir/file.$n" >"$a"
		done
		cat "$dir/stdout"
		cat "$dir/stderr" >&2
		return "$(cat "$dir/rc")"
	fi
	echo run >>"$W/$ver.spatch-runs"
	tmp=$dir.tmp.$$
	rm -rf "$tmp"
	mkdir -p "$tmp"
	"spatch_$ver" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	for a in "$@"; do
		n=$((n + 1))
		[ -n "${hash[n]:-}" ] && [ "$(sha256sum <"$a" | cut -c1-64)" != "${hash[n]}" ] &&
			cp "$a" "$tmp/file.$n"
	done
	echo "$rc" >"$tmp/rc"
	cat "$tmp/stdout"
	cat "$tmp/stderr" >&2
	# only what spatch itself decided (0, or 1 for a report): a run that
	# could not work (255: a library missing, killed) is never kept
	if [ "$rc" -le 1 ]; then
		mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
	else
		rm -rf "$tmp"
	fi
	return $rc
}

# ---------------------------------------------------------------- cases

# run_case VER CASE: patch mode, compare, idempotence
run_case()
{
	local ver=$1 c=$2 name patch exp d t
	name=$(basename "$c" .c)
	patch=${name%%__*}
	exp=$T/$name.res
	[ "$ver" = new ] && [ -e "$T/$name.res-1.3" ] && exp=$T/$name.res-1.3
	d=$W/$ver/cases
	mkdir -p "$d"
	t=$(mc_now)
	cp "$c" "$d/$name.c"
	(cd "$d" && spatch_run "$ver" --very-quiet -D patch --sp-file "$SP/$patch.cocci" \
		--in-place "$name.c" >"$name.out" 2>"$name.err")
	if [ -n "$UPDATE" ] && [ "$ver" = old ]; then
		cp "$d/$name.c" "$T/$name.res"
	elif [ -n "$UPDATE" ] && ! cmp -s "$d/$name.c" "$T/$name.res"; then
		cp "$d/$name.c" "$T/$name.res-1.3"
	fi
	check - "case-$ver-$name" "$t" "$patch.cocci$(reused "$ver")" cmp -s "$d/$name.c" "$exp"
	t=$(mc_now)
	cp "$d/$name.c" "$d/$name.once.c"
	(cd "$d" && spatch_run "$ver" --very-quiet -D patch --sp-file "$SP/$patch.cocci" \
		--in-place "$name.c" >/dev/null 2>&1)
	check - "idempotent-$ver-$name" "$t" "second run changes nothing$(reused "$ver")" \
		cmp -s "$d/$name.c" "$d/$name.once.c"
}

# run_report VER NAME EXPECTED-EXIT
run_report()
{
	local ver=$1 name=$2 want=$3 patch d t rc
	patch=${name%%__*}
	d=$W/$ver/report
	mkdir -p "$d"
	t=$(mc_now)
	cp "$T/$name.c" "$d/"
	(cd "$d" && spatch_run "$ver" --very-quiet -D report --sp-file "$SP/$patch.cocci" \
		"$name.c" >"$name.report" 2>&1)
	rc=$?
	echo "$rc" >"$d/$name.rc"
	check - "report-$ver-$name" "$t" "exit $rc, expected $want$(reused "$ver")" [ "$rc" = "$want" ]
}

# manual_set FILE: the MANUAL items a run printed, as FILE.c:LINE: TEXT
# (report mode adds :COL-COL to the line; paths are dropped), sorted
manual_set()
{
	sed -E -n 's|^(.*/)?([^/: ]+\.[ch]):([0-9]+)(:[0-9]+-[0-9]+)?: MANUAL: |\2:\3: MANUAL: |p' "$1" 2>/dev/null | sort -u
}

# run_agree VER NAME: one source of truth for what is left: report mode
# names exactly the MANUAL items patch mode prints (run_case's stderr), and
# exits 1 exactly when there is one
run_agree()
{
	local ver=$1 name=$2 t p r rc n ok
	t=$(mc_now)
	p=$(manual_set "$W/$ver/cases/$name.err")
	r=$(manual_set "$W/$ver/report/$name.report")
	rc=$(cat "$W/$ver/report/$name.rc" 2>/dev/null)
	n=$(printf '%s' "$p" | grep -c MANUAL)
	if [ "$p" != "$r" ]; then
		diff <(echo "$p") <(echo "$r") | sed "s|^|  $ver $name: |" >&2
	fi
	ok=0
	if [ "$p" = "$r" ]; then
		case $n:$rc in
		0:0 | [1-9]*:1) ok=1 ;;
		esac
	fi
	check - "agree-$ver-$name" "$t" "report mode's MANUAL items == patch mode's ($n), report exit $rc" [ $ok = 1 ]
}

# run_bad VER: unparsable files untouched and named; no-API driver untouched
run_bad()
{
	local ver=$1 d p f t rc ok line
	d=$W/$ver/bad
	for p in $PATCHES; do
		for f in noapi unparsable_aops unparsable_mops unparsable_balloon; do
			case $p:$f in
			aops_to_mops:unparsable_mops|aops_to_mops:unparsable_balloon) continue ;;
			mops_to_movcompat:unparsable_aops|mops_to_movcompat:unparsable_balloon) continue ;;
			balloon_*:unparsable_aops|balloon_*:unparsable_mops) continue ;;
			esac
			t=$(mc_now)
			mkdir -p "$d/$p"
			cp "$T/bad/$f.c" "$d/$p/$f.c"
			(cd "$d/$p" && spatch_run "$ver" --very-quiet -D patch --sp-file "$SP/$p.cocci" \
				--in-place "$f.c" >"$f.out" 2>"$f.err")
			ok=1
			cmp -s "$d/$p/$f.c" "$T/bad/$f.c" || ok=
			if [ "$f" = noapi ]; then
				check - "bad-$ver-$p-$f" "$t" "byte-for-byte unchanged" [ -n "$ok" ]
				continue
			fi
			line=$(grep -n -m1 -E 'int x = \(3 \+ ;|-- \+;' "$T/bad/$f.c" | cut -d: -f1)
			grep -q "$f.c:$line: MANUAL: spatch cannot parse" "$d/$p/$f.err" || ok=
			(cd "$d/$p" && spatch_run "$ver" --very-quiet -D report --sp-file "$SP/$p.cocci" \
				"$f.c" >"$f.report" 2>&1)
			rc=$?
			[ "$rc" != 0 ] || ok=
			check - "bad-$ver-$p-$f" "$t" "unchanged, reported at line $line, report exit $rc" [ -n "$ok" ]
		done
	done
}

# ---------------------------------------------------------------- builds

declare -A prepared

prepare_kernel()
{
	[ -n "${prepared[$1]:-}" ] && return "${prepared[$1]}"
	if bash "$MC_CI/fetch.sh" "$1" >"$W/fetch-$1.log" 2>&1 &&
	   bash "$MC_CI/toolchain.sh" "$1" >>"$W/fetch-$1.log" 2>&1; then
		prepared[$1]=0
	else
		prepared[$1]=1
		tail -n 3 "$W/fetch-$1.log" >&2
	fi
	return "${prepared[$1]}"
}

# build_one KEY SOURCE MODNAME: the file as a one-file module (with
# movcompat linked in when it includes <movcompat/movcompat.h>)
build_one()
{
	local key=$1 src=$2 mod=$3 d
	d=$W/build/$key/$mod
	mkdir -p "$d/src"
	cmp -s "$src" "$d/src/${mod}_main.c" || cp "$src" "$d/src/${mod}_main.c"
	{
		echo "# SPDX-License-Identifier: GPL-2.0"
		if grep -q 'movcompat/movcompat.h\|movcompat/balloon.h' "$src"; then
			echo 'include $(MOVCOMPAT_DIR)/compat/movcompat.mk'
			echo "obj-m += $mod.o"
			echo "$mod-y := ${mod}_main.o \$(movcompat-objs)"
			echo 'ccflags-y += $(movcompat-ccflags)'
		else
			echo "obj-m += $mod.o"
			echo "$mod-y := ${mod}_main.o"
		fi
	} >"$d/src/Kbuild.new"
	cmp -s "$d/src/Kbuild.new" "$d/src/Kbuild" || mv "$d/src/Kbuild.new" "$d/src/Kbuild"
	rm -f "$d/src/Kbuild.new"
	bash "$MC_CI/build.sh" "$key" "$d/src" "$d/out" >"$d/build.out" 2>&1
}

run_builds()
{
	local file keys key t mod src
	while read -r file keys; do
		for key in $keys; do
			t=$(mc_now)
			if [[ $KEYS != *" $key "* ]]; then
				rec "$key" "build-$file" SKIP 0 "kernel $key not in --kernels"
				continue
			fi
			if ! prepare_kernel "$key"; then
				rec "$key" "build-$file" FAIL "$(mc_since "$t")" "kernel $key not available"
				continue
			fi
			mod=cc_$(tr '.-' '__' <<<"$file")
			src=$T/$file
			check "$key" "build-$file" "$t" "module $mod" build_one "$key" "$src" "$mod" ||
				tail -n 5 "$W/build/$key/$mod/build.out" >&2
		done
	done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$T/compile.list")
}

# ---------------------------------------------------------------- real sources

# real_build KEY T0 WHAT CC-FUNCTION: row real-t2-zsmalloc-KEY: the converted
# $W/real/zsmalloc-KEY.c built for KEY (SKIP when KEY is not in
# --kernels, FAIL when it cannot be prepared)
real_build()
{
	local key=$1 t=$2 what=$3 cc=$4
	if [[ $KEYS != *" $key "* ]]; then
		rec "$key" "real-t2-zsmalloc-$key" SKIP 0 "kernel $key not in --kernels"
	elif prepare_kernel "$key"; then
		check "$key" "real-t2-zsmalloc-$key" "$t" "$what" build_one "$key" "$W/real/zsmalloc-$key.c" "$cc"
	else
		rec "$key" "real-t2-zsmalloc-$key" FAIL "$(mc_since "$t")" "kernel $key not available"
	fi
}

run_real()
{
	local s510 s61 d f t sum matching
	t=$(mc_now)
	s510=$(bash "$MC_CI/fetch-source.sh" 5.10 2>"$W/fetch-source.log") &&
	s61=$(bash "$MC_CI/fetch-source.sh" 6.1 2>>"$W/fetch-source.log") || {
		rec - real-sources FAIL "$(mc_since "$t")" "linux-source-5.10/6.1 unavailable"
		return
	}
	d=$W/real
	mkdir -p "$d"
	echo
	echo "Transition 1 (aops_to_mops.cocci) on linux-source-5.10, compared with linux-source-6.1:"
	for f in zsmalloc balloon_compaction; do
		t=$(mc_now)
		cp "$s510/mm/$f.c" "$d/$f.c"
		(cd "$d" && spatch_run old --very-quiet -D patch --sp-file "$SP/aops_to_mops.cocci" \
			--in-place "$f.c" >"$f.out" 2>"$f.err")
		echo
		echo "mm/$f.c ($(grep -c MANUAL "$d/$f.err") items reported for a human):"
		python3 "$SP/tools/compare-functions.py" "$s510/mm/$f.c" "$d/$f.c" \
			"$s61/mm/$f.c" "mm/$f.c" | tee "$d/$f.table"
		sum=$(grep '^SUMMARY' "$d/$f.table")
		matching=$(sed -n 's/.* matching=\([0-9]*\).*/\1/p' <<<"$sum")
		check - "real-t1-$f" "$t" "${sum#SUMMARY }" \
			[ "${matching:-0}" -ge "$(awk -v f="$f" '$1 == f { print $2 }' "$T/real/expected.tsv")" ]
	done
	echo
	# transition 2 on 6.1's zsmalloc (a real 6.0-6.16 driver), built for 6.1
	t=$(mc_now)
	cp "$s61/mm/zsmalloc.c" "$d/zsmalloc-6.1.c"
	(cd "$d" && spatch_run old --very-quiet -D patch --sp-file "$SP/to_movcompat.cocci" \
		--in-place zsmalloc-6.1.c >zsmalloc-6.1.out 2>zsmalloc-6.1.err)
	real_build 6.1 "$t" "to_movcompat on 6.1 mm/zsmalloc.c, module built" cc_zsmalloc_61
	# transition 2 on 5.10's zsmalloc plus the reported hand-finishing
	t=$(mc_now)
	cp "$s510/mm/zsmalloc.c" "$d/zsmalloc-5.10.c"
	(cd "$d" && spatch_run old --very-quiet -D patch --sp-file "$SP/to_movcompat.cocci" \
		--in-place zsmalloc-5.10.c >zsmalloc-5.10.out 2>zsmalloc-5.10.err &&
	 spatch_run old --very-quiet -D patch --sp-file "$T/real/zsmalloc-5.10-finish.cocci" \
		--in-place zsmalloc-5.10.c >>zsmalloc-5.10.out 2>&1)
	real_build 5.10 "$t" "to_movcompat + hand-finish on 5.10 mm/zsmalloc.c, module built" cc_zsmalloc_510
}

# ---------------------------------------------------------------- corpus

# The semantic patches on real code they were not written for: every file
# of a Debian kernel source that uses an API they cover, found by grep over
# the whole tree (not a hand list), converted in patch mode, checked in
# report mode, and compared item by item with upstream's own later version
# of the same file. Transition 1: aops_to_mops on linux-source-5.10 against
# 6.1; the balloon patch on linux-source-6.12 against 7.3. The files:
# mc_cocci_corpus (lib.sh).
declare -A C_SRC

# corpus_sources: the four source trees, fetched before the versions fork
corpus_sources()
{
	local v
	for v in 5.10 6.1 6.12 7.3; do
		C_SRC[$v]=$(bash "$MC_CI/fetch-source.sh" "$v" 2>>"$W/fetch-source.log" | tail -n 1) || return 1
	done
}

# corpus_kind PATCH FILE: what the patch owes the file. "driver": a user of
# the API the transition changed (an ops table, a __SetPageMovable() call,
# a balloon-core user; a balloon driver): converted or reported, never
# skipped in silence. "other": the API's own implementation and headers,
# and code that only shares a name (filesystems' page-cache .migratepage,
# compaction's PageMovable()): left alone, with no MANUAL line.
corpus_kind()
{
	local re
	case $1 in
	aops_to_mops)
		re='\.isolate_page\s*=|->a_ops\s*=\s*&balloon_aops|__SetPageMovable\((?!struct)' ;;
	*)
		grep -qP 'EXPORT_SYMBOL(_GPL)?\(balloon_|^static inline .*\bballoon_page_\w+\(' "$2" && { echo other; return; }
		re='\bballoon_(page_\w+|devinfo_init)\s*\(|balloon_mops|BALLOON_COMPACTION' ;;
	esac
	grep -qP "$re" "$2" && echo driver || echo other
}

# run_corpus VER PATCH OLD NEW: one transition on one spatch version
run_corpus()
{
	local ver=$1 patch=$2 old=$3 new=$4 so=${C_SRC[$3]} sn=${C_SRC[$4]}
	local d f n kind rc p r np lines sum hunks matching reported unreported t
	local ok files=0 drivers=0 falseconv=0 falserep=0 silent=0 unrep=0 disagree=0 match=0 hunkall=0 why
	t=$(mc_now)
	d=$W/$ver/corpus/$patch
	rm -rf "$d"
	mkdir -p "$d/p" "$d/r" "$d/t"
	{
		echo
		echo "Corpus: $patch.cocci (spatch $ver) on every file of linux-source-$old that uses the API, against linux-source-$new:"
		printf '| %-44s | %-6s | %5s | %5s | %8s | %10s | %6s | %6s | %s\n' file kind hunks match reported unreported MANUAL report verdict
		echo "|----------------------------------------------|--------|-------|-------|----------|------------|--------|--------|--------"
	} >"$d/table"
	while read -r f; do
		f=${f#./}
		n=$(tr / _ <<<"$f")
		files=$((files + 1))
		kind=$(corpus_kind "$patch" "$so/$f")
		[ "$kind" = driver ] && drivers=$((drivers + 1))
		cp "$so/$f" "$d/p/$n"
		cp "$so/$f" "$d/r/$n"
		(cd "$d/p" && spatch_run "$ver" --very-quiet -D patch --sp-file "$SP/$patch.cocci" \
			--in-place "$n" >"$n.out" 2>"$n.err")
		(cd "$d/r" && spatch_run "$ver" --very-quiet -D report --sp-file "$SP/$patch.cocci" \
			"$n" >"$n.report" 2>&1)
		rc=$?
		p=$(manual_set "$d/p/$n.err")
		r=$(manual_set "$d/r/$n.report")
		np=$(printf '%s' "$p" | grep -c MANUAL)
		lines=$(sed -E -n 's/^[^:]+:([0-9]+): MANUAL: .*/\1/p' <<<"$p" | paste -sd, -)
		hunks=0 matching=0 reported=0 unreported=0
		if ! cmp -s "$so/$f" "$d/p/$n"; then
			if [ -f "$sn/$f" ]; then
				python3 "$SP/tools/compare-functions.py" "$so/$f" "$d/p/$n" "$sn/$f" "$f" "$lines" >"$d/t/$n.table"
			else
				# no such file upstream: every hunk differs
				python3 "$SP/tools/compare-functions.py" "$so/$f" "$d/p/$n" /dev/null "$f" "$lines" >"$d/t/$n.table"
			fi
			sum=$(grep '^SUMMARY' "$d/t/$n.table")
			hunks=$(sed -n 's/.* hunks=\([0-9]*\).*/\1/p' <<<"$sum")
			matching=$(sed -n 's/.* matching=\([0-9]*\).*/\1/p' <<<"$sum")
			unreported=$(sed -n 's/.* unreported=\([0-9]*\).*/\1/p' <<<"$sum")
			reported=$((hunks - matching - unreported))
		fi
		why=ok
		if [ "$kind" = driver ] && [ "$hunks" = 0 ] && [ "$np" = 0 ] && [ "$rc" = 0 ]; then
			why="SILENTLY SKIPPED"
			silent=$((silent + 1))
		elif [ "$kind" = other ] && [ "$hunks" != 0 ]; then
			why="FALSE CONVERSION"
			falseconv=$((falseconv + 1))
		elif [ "$kind" = other ] && [ "$np" != 0 ]; then
			why="MANUAL LINE ON NON-DRIVER CODE"
			falserep=$((falserep + 1))
		elif [ "$unreported" != 0 ]; then
			why="DIFFERS FROM UPSTREAM, UNREPORTED"
		fi
		unrep=$((unrep + unreported))
		match=$((match + matching))
		hunkall=$((hunkall + hunks))
		if [ "$p" != "$r" ] || ! case $np:$rc in 0:0 | [1-9]*:1) true ;; *) false ;; esac; then
			why="$why; REPORT DISAGREES"
			disagree=$((disagree + 1))
			diff <(echo "$p") <(echo "$r") | sed "s|^|  $ver $patch $f: |" >>"$d/disagree"
		fi
		printf '| %-44s | %-6s | %5s | %5s | %8s | %10s | %6s | %6s | %s\n' \
			"$f" "$kind" "$hunks" "$matching" "$reported" "$unreported" "$np" "exit $rc" "$why" >>"$d/table"
	done < <(mc_cocci_corpus "$so")
	cat "$d/table"
	local tag="corpus-$ver-$patch" floor
	floor=$(awk -v p="$patch" '$1 == p { print $2 }' "$T/corpus/expected.tsv")
	rec - "$tag-files" "$([ "$files" -gt 0 ] && echo PASS || echo FAIL)" "$(mc_since "$t")" \
		"$files files of linux-source-$old use the API ($drivers drivers)$(reused "$ver")"
	check - "$tag-no-false-conversion" "$t" "$falseconv non-driver files changed, $falserep given MANUAL lines" \
		[ "$((falseconv + falserep))" = 0 ]
	check - "$tag-no-silent-skip" "$t" "$silent driver files neither converted nor reported" [ "$silent" = 0 ]
	check - "$tag-agree" "$t" "$disagree files where report mode's MANUAL items or exit differ from patch mode's" \
		[ "$disagree" = 0 ]
	ok=0
	[ "$match" -ge "${floor:-1000000}" ] && [ "$unrep" = 0 ] && ok=1
	check - "$tag-upstream" "$t" "$match of $hunkall hunks as upstream (floor ${floor:-unset}), $unrep differing hunks unreported" \
		[ $ok = 1 ]
}

# ---------------------------------------------------------------- coccicheck

# a spatch executable for make coccicheck SPATCH=...: the chroot's spatch
# with the repository, build tree, source cache and DIR bind-mounted
write_spatch_wrapper() # FILE DIR
{
	{
		echo '#!/bin/bash'
		echo "# generated by ci/cocci-test.sh: spatch from $CROOT"
		printf '. %q\n' "$MC_CI/lib.sh"
		printf 'MC_CHROOT_WD=$PWD mc_chroot_run %q %q spatch "$@"\n' \
			"$CROOT" "$MC_TOP $MC_BUILD $MC_CACHE/sources $2"
	} >"$1"
	chmod +x "$1"
}

run_coccicheck() # VER
{
	local ver=$1 s61 d mode p t rc ok cw sp tricky
	s61=$(bash "$MC_CI/fetch-source.sh" 6.1 2>/dev/null) || {
		rec - "coccicheck-$ver" FAIL 0 "linux-source-6.1 unavailable"
		return
	}
	# outside the repository: spatch --dir finds files with git grep inside
	# a git work tree, and build/ is ignored there
	cw=$(mktemp -d "${TMPDIR:-/tmp}/movcompat-coccicheck.XXXXXX")
	sp=spatch
	if [ "$ver" = new ]; then
		sp=$W/spatch-new
		write_spatch_wrapper "$sp" "$cw"
	fi
	for p in $PATCHES; do
		d=$cw/$p
		mkdir -p "$d"
		# a patch with nothing to report (balloon_to_movcompat) has no
		# tricky case: its report and org modes must say "nothing left"
		tricky=
		[ ! -f "$T/${p}__tricky.c" ] || tricky=${p}__tricky.c
		cp "$T/$p.c" ${tricky:+"$T/$tricky"} "$d/"
		for mode in report patch context org; do
			t=$(mc_now)
			make -C "$s61" coccicheck SPATCH="$sp" COCCI="$SP/$p.cocci" MODE=$mode M="$d" \
				>"$d/$mode.log" 2>&1
			rc=$?
			ok=
			case $mode:$tricky in
			report:|org:) [ "$rc" = 0 ] && ! grep -q "MANUAL\|^\* TODO" "$d/$mode.log" && ok=1 ;;
			report:*) [ "$rc" != 0 ] && grep -q "${p}__tricky.c:[0-9]*:[0-9-]*: MANUAL:" "$d/$mode.log" && ok=1 ;;
			patch:*) [ "$rc" = 0 ] && grep -q "^+++ .*/$p.c" "$d/$mode.log" && ok=1 ;;
			context:*) [ "$rc" = 0 ] && grep -q '^-' "$d/$mode.log" && ok=1 ;;
			org:*) [ "$rc" != 0 ] && grep -q '^\* TODO' "$d/$mode.log" && ok=1 ;;
			esac
			check - "coccicheck-$ver-$p-$mode" "$t" "make coccicheck in linux-source-6.1, exit $rc" [ -n "$ok" ]
		done
	done
	# the patch mode's diff applied to a copy equals the direct result
	t=$(mc_now)
	d=$cw/aops_to_mops
	cp "$T/aops_to_mops.c" "$d/applied.c"
	sed -n '/^--- /,$p' "$d/patch.log" | awk '/^--- /{f = ($0 ~ /\/aops_to_mops\.c/)} f' |
		patch -s -o "$d/applied.out" "$d/applied.c" >/dev/null 2>&1
	check - "coccicheck-$ver-patch-applies" "$t" "diff from make coccicheck MODE=patch == aops_to_mops.res" \
		cmp -s "$d/applied.out" "$T/aops_to_mops.res"
	rm -rf "$W/coccicheck/$ver"
	mkdir -p "$W/coccicheck/$ver"
	cp -r "$cw/." "$W/coccicheck/$ver/"
	rm -rf "$cw"
}

# ---------------------------------------------------------------- main

mkdir -p "$W"
rm -f "$W"/*.spatch-runs
T0=$(mc_now)
mc_log - cocci "semantic patches: setting up spatch (host) and the $COCCI_SUITE chroot"
setup_host
mkdir -p "$MC_CACHE/chroots"
(
	flock 9
	setup_chroot
) 9>"$MC_CACHE/chroots/.lock-cocci" || exit 1
declare -A SPATCH_ID=(
	[old]=$(sha256sum </var/lib/dpkg/status | cut -c1-32)
	[new]=$(sha256sum <"$CROOT/var/lib/dpkg/status" | cut -c1-32)
)
V_OLD=$(spatch_old --version | head -n 1 | awk '{print $3}')
V_NEW=$(spatch_new --version | head -n 1 | awk '{print $3}')
mc_log - cocci "spatch $V_OLD (host) and $V_NEW ($COCCI_SUITE chroot)"

# headers in the kernel's conventions, generated file up to date
t=$(mc_now)
hdr_ok=1
for p in $PATCHES; do
	for want in '^/// ' '^// Confidence: ' '^// Options: ' '^virtual patch$' \
		    '^virtual context$' '^virtual org$' '^virtual report$' '^// SPDX-License-Identifier: GPL-2.0$'; do
		grep -q "$want" "$SP/$p.cocci" || { echo "$p.cocci: missing $want" >&2; hdr_ok=; }
	done
done
check - headers "$t" "///, Confidence, Options, virtual patch/context/org/report" [ -n "$hdr_ok" ]
t=$(mc_now)
# generated_current: every generated .cocci is what generate.sh writes now
generated_current()
{
	local p
	bash "$SP/generate.sh" "$W/generated" || return 1
	for p in aops_to_mops mops_to_movcompat balloon_compaction_to_balloon balloon_to_movcompat to_movcompat; do
		cmp -s "$W/generated/$p.cocci" "$SP/$p.cocci" ||
			{ echo "$p.cocci is not what semantic-patches/generate.sh writes: run it" >&2; return 1; }
	done
}
check - generated-up-to-date "$t" "the shared prelude (tools/prelude.py) and to_movcompat.cocci == generate.sh output" \
	generated_current

# run_ver VER: every case, report and bad-input test with that spatch
run_ver()
{
	local ver=$1 c name want
	for c in "$T"/*.c; do
		run_case "$ver" "$c"
	done
	while read -r name want; do
		run_report "$ver" "$name" "$want"
		run_agree "$ver" "$name"
	done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$T/report.list")
	run_bad "$ver"
	if [ -n "${C_SRC[7.3]:-}" ]; then
		run_corpus "$ver" aops_to_mops 5.10 6.1
		run_corpus "$ver" balloon_compaction_to_balloon 6.12 7.3
	else
		rec - "corpus-$ver" FAIL 0 "linux-source-5.10/6.1/6.12/7.3 unavailable (see $W/fetch-source.log)"
	fi
}
# The two spatch versions work in separate directories: side by side, so
# the second core is not idle while one spatch runs (MOVCOMPAT_SERIAL=1:
# one after the other). The new one's lines follow the old one's, and its
# counts are added from the file it leaves.
corpus_sources || true
if [ "${MOVCOMPAT_SERIAL:-0}" = 1 ] || [ -n "$UPDATE" ]; then
	run_ver old
	run_ver new
else
	rm -f "$W/new.counts"
	(
		npass=0 nfail=0 nskip=0 failed=
		run_ver new
		echo "$npass $nfail $nskip $failed" >"$W/new.counts"
	) >"$W/new.log" 2>&1 &
	# its pid now: run_ver's process substitutions change $! (waiting on
	# $! after it returned read the counts while the new spatch still ran)
	newpid=$!
	run_ver old
	wait "$newpid"
	cat "$W/new.log"
	read -r p f s fl <"$W/new.counts" || { p=0 f=1 s=0 fl=" spatch-new-died"; }
	npass=$((npass + p)) nfail=$((nfail + f)) nskip=$((nskip + s)) failed="$failed${fl:+ $fl}"
fi
[ -n "$UPDATE" ] && mc_log - cocci ".res files rewritten: review them with git diff"

run_builds
run_real
run_coccicheck old
run_coccicheck new

echo
skipped=
[ "$nskip" != 0 ] && skipped=", $nskip skipped"
runs=$(cat "$W"/*.spatch-runs 2>/dev/null | wc -l)
hits=$(cat "$W"/*.spatch-runs 2>/dev/null | grep -c hit)
echo "cocci-test: $runs spatch runs, $hits of them reused the output of an earlier run with the same inputs (MOVCOMPAT_TOOL_CACHE=0: none); make coccicheck always runs spatch"
echo "cocci-test: spatch $V_OLD and $V_NEW: $npass passed, $nfail failed$skipped in $(mc_since "$T0")s${failed:+ (failed:$failed)}"
[ "$nfail" = 0 ]
