#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Drivers ported by following the documentation alone: each driver of
# tests/ported (written as drivers of its era were, keeping pages in an
# array) is
#  1. built as it is for its own era (aops_store: 5.10, mops_store: 6.1);
#  2. converted with the command of semantic-patches/README.md,
#     spatch -D patch --sp-file semantic-patches/to_movcompat.cocci --in-place,
#     whose MANUAL lines must be those of its expected-manual file;
#  3. finished by hand with its hand.patch only where MANUAL lines ask:
#     the patch must apply, add nothing but relabelled gotos, and leave
#     none of the names the MANUAL lines told to remove;
#  4. given the Kbuild of docs/porting.md (its make block, mydrv renamed);
#  5. built for every kernel asked for, and booted there with both drivers
#     (tests/ported/guest-ported.sh): pages verified, moved by the kernel
#     (or movcompat's core), verified again, unloaded.
# Rows in build/results/tests.tsv (suite "harness", tests ported-*).
#
# usage: tests/ported/ported.sh [--kernels KEYS]   (default: required)

. "$(dirname "$0")/../../ci/lib.sh"

kernels=required
mc_options "usage: tests/ported/ported.sh [--kernels KEYS]" --kernels=kernels -- "$@"
keys=$(mc_expand_kernels "$kernels") || exit 64
P=$MC_TOP/tests/ported
w=$MC_BUILD/ported
rm -rf "$w"
mkdir -p "$w" "$MC_RESULTS"
row() { mc_check ported "$@"; } # KERNEL TEST STATUS SECONDS DETAIL
command -v spatch >/dev/null 2>&1 || mc_die "spatch is not installed: run 'bash ci/deps.sh --cocci'" 1
drivers="aops_store:5.10 mops_store:6.1 balloon_store:5.10"
ported=

for d in $drivers; do
	drv=${d%%:*} era=${d#*:}
	# 1. the input is a driver of its era
	t=$(mc_now)
	if [[ " $keys " == *" $era "* ]]; then
		if bash "$MC_CI/build.sh" "$era" "$P/$drv" "$w/$drv-original-$era" >"$w/$drv-original.log" 2>&1; then
			row "$era" "ported-$drv-original" PASS "$(mc_since "$t")" "$drv as written for its era builds for $era"
		else
			row "$era" "ported-$drv-original" FAIL "$(mc_since "$t")" "$drv does not build for its own era $era (see $w/$drv-original.log)"
		fi
	fi
	# 2. the semantic patch, as semantic-patches/README.md runs it
	t=$(mc_now)
	mkdir -p "$w/$drv"
	cp "$P/$drv/${drv}_main.c" "$w/$drv/"
	(cd "$w/$drv" && spatch -D patch --sp-file "$MC_TOP/semantic-patches/to_movcompat.cocci" \
		--in-place "${drv}_main.c" >spatch.out 2>spatch.err)
	sed -n 's/^[^:]*\.c:\([0-9?]*\): MANUAL: /\1: /p' "$w/$drv/spatch.err" | sort -n >"$w/$drv.manual"
	if diff -u "$P/$drv/expected-manual" "$w/$drv.manual" >"$w/$drv.manual.diff"; then
		row - "ported-$drv-manual" PASS "$(mc_since "$t")" "to_movcompat.cocci: $(wc -l <"$w/$drv.manual") MANUAL lines, as expected"
	else
		row - "ported-$drv-manual" FAIL "$(mc_since "$t")" "the MANUAL lines differ from $P/$drv/expected-manual: $(grep '^[-+][^-+]' "$w/$drv.manual.diff" | head -n 2 | tr '\n' ' ')"
		continue
	fi
	# 3. the hand edits the MANUAL lines ask for, and no other
	t=$(mc_now)
	if [ -s "$P/$drv/hand.patch" ]; then
		names=$(grep -o "'[A-Za-z_0-9]*'\|[A-Za-z_0-9]*()" "$w/$drv.manual" | tr -d "'()" | sort -u)
		added=$(grep '^+[^+]' "$P/$drv/hand.patch" | grep -v -E '^\+\s*goto [A-Za-z_0-9]+;$')
		if ! (cd "$w/$drv" && patch -s -p1 <"$P/$drv/hand.patch" >patch.log 2>&1); then
			row - "ported-$drv-hand-edits" FAIL "$(mc_since "$t")" "hand.patch does not apply to the converted file: $(tail -n 1 "$w/$drv/patch.log")"
			continue
		fi
		left=$(for n in $names; do grep -qw -- "$n" "$w/$drv/${drv}_main.c" && echo "$n"; done | tr '\n' ' ')
		if [ -n "$added" ] || [ -n "${left// /}" ]; then
			row - "ported-$drv-hand-edits" FAIL "$(mc_since "$t")" "hand.patch adds more than relabelled gotos ('$(head -n 1 <<<"$added")') or leaves what MANUAL lines name (${left:-nothing})"
			continue
		fi
		row - "ported-$drv-hand-edits" PASS "$(mc_since "$t")" "hand.patch applies, only removes (and relabels gotos), and none of $(wc -w <<<"$names") names the MANUAL lines gave is left"
	fi
	# 4. the Kbuild of docs/porting.md
	sed -n '/^ *```make$/,/^ *```$/p' "$MC_TOP/docs/porting.md" | sed -e '1d;$d' -e 's/^ *//' -e "s/mydrv/$drv/g" >"$w/$drv/Kbuild"
	grep -q "${drv}_main.o" "$w/$drv/Kbuild" || { row - "ported-$drv-kbuild" FAIL 0 "no make block naming mydrv_main.o in docs/porting.md"; continue; }
	ported="$ported $drv"
done

# 5. every kernel: build both, boot them together
for key in $keys; do
	kos=() t=$(mc_now) ok=1
	for drv in $ported; do
		if bash "$MC_CI/build.sh" "$key" "$w/$drv" "$w/$drv-$key" >"$w/$drv-$key.log" 2>&1; then
			kos+=(--module "$w/$drv-$key/$drv.ko")
		else
			ok=0
			row "$key" "ported-$drv-build" FAIL "$(mc_since "$t")" "the ported $drv does not build for $key (see $w/$drv-$key.log)"
		fi
	done
	[ $ok = 1 ] && [ -n "$ported" ] || continue
	row "$key" ported-build PASS "$(mc_since "$t")" "ported$ported built (backend $(modinfo -F movcompat_backend "$w/${ported##* }-$key/${ported##* }.ko"))"
	t=$(mc_now)
	if bash "$MC_CI/vm.sh" "$key" --guest "ported=$P/guest-ported.sh" "${kos[@]}" --env "MC_PORTED=${ported# }" \
		--mem 2048 --append movablecore=1G --name ported >"$w/vm-$key.log" 2>&1; then
		row "$key" ported-migrate PASS "$(mc_since "$t")" "$(sed -n 's/.*# info: \(.*pages, migrated.*\)/\1/p' "$MC_BUILD/$key/vm-ported/console.log" | tr '\n' ';')"
	else
		# shellcheck disable=SC1090,SC1091 # written by ci/vm.sh
		row "$key" ported-migrate FAIL "$(mc_since "$t")" "$(. "$MC_BUILD/$key/vm-ported/result.env" 2>/dev/null; echo "${reason:-see $w/vm-$key.log}")"
	fi
done
exit $MC_CHECK_RC
