#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian's linux-source-VERSION package, verify its SHA256 against the
# suite's Packages index and extract the kernel source tree once into
# $MC_CACHE/sources/linux-source-VERSION/. Prints that path on stdout (one
# line per VERSION), progress on stderr; repeat runs are cache hits.
#
# The suites searched per version (newest package version wins):
#   5.10: bullseye   6.1: bookworm bookworm-security
#   other: trixie-backports trixie sid (override: MOVCOMPAT_SOURCE_SUITES)
# Extracted parts: the whole tree but Documentation/ (the semantic
# patches' corpus test greps all of it; override:
# MOVCOMPAT_SOURCE_PARTS="mm include ...").
#
# With --deb, only download and verify the package and print
# "VERSION PATH-OF-THE-.deb" per VERSION (ci/debug-kernel.sh
# unpacks the whole tree itself).
#
# usage: ci/fetch-source.sh [--deb] VERSION...
# exit:  0 all fetched, 2 a source package is unavailable, 64 bad usage

. "$(dirname "$0")/lib.sh"

PARTS=${MOVCOMPAT_SOURCE_PARTS:-LICENSES block certs crypto drivers arch fs init io_uring
	ipc kernel lib mm net rust samples scripts security sound tools usr virt}
PARTS=$(echo $PARTS)	# one line: part of the cache stamp
# top-level directories of a kernel tree that are skipped unless in PARTS
SKIPPABLE="Documentation LICENSES block certs crypto drivers arch fs init io_uring
	ipc kernel lib mm net rust samples scripts security sound tools usr virt"

suites_for()
{
	if [ -n "${MOVCOMPAT_SOURCE_SUITES:-}" ]; then
		echo "$MOVCOMPAT_SOURCE_SUITES"
		return
	fi
	case $1 in
	5.10) echo bullseye ;;
	6.1) echo bookworm bookworm-security ;;
	*) echo trixie-backports trixie sid ;;
	esac
}

# resolve VERSION: sets S_VER S_URL S_SHA S_SUITE (newest over the suites).
resolve()
{
	local suite idx ver fn sh
	S_VER=
	for suite in $(suites_for "$1"); do
		idx=$(index_file "$suite") || continue
		while read -r ver fn sh; do
			if [ -z "$S_VER" ] || dpkg --compare-versions "$ver" gt "$S_VER"; then
				S_VER=$ver S_SHA=$sh S_SUITE=$suite
				S_URL=$(mc_mirror "$suite")/$(sed -e 's/+/%2B/g' -e 's/~/%7E/g' <<<"$fn")
			fi
		done < <(index_entries "$idx" "linux-source-$1")
	done
	[ -n "$S_VER" ]
}

fetch_one()
{
	local v=$1 t dest deb stamp tmp p
	local -a parts
	t=$(mc_now)
	dest=$MC_CACHE/sources/linux-source-$v
	if ! resolve "$v"; then
		mc_log "src-$v" fetch "UNAVAILABLE: linux-source-$v is in none of: $(suites_for "$v")"
		return 2
	fi
	deb=$MC_CACHE/debs/linux-source-${v}_${S_VER}_all.deb
	stamp="$S_SHA $PARTS"
	if [ "$DEB_ONLY" = 0 ] && [ "$(cat "$dest/.movcompat-stamp" 2>/dev/null)" = "$stamp" ]; then
		mc_log "src-$v" fetch "cache hit ($S_VER from $S_SUITE)"
		echo "$dest"
		return 0
	fi
	mkdir -p "$MC_CACHE/debs" "$MC_CACHE/sources"
	if ! { [ -s "$deb" ] && [ "$(cat "$deb.sha256" 2>/dev/null)" = "$S_SHA" ]; }; then
		mc_log "src-$v" fetch "downloading linux-source-$v $S_VER from $S_SUITE"
		if ! mc_fetch_deb "$S_URL" "$S_SHA" "$deb"; then
			mc_log "src-$v" fetch "UNAVAILABLE: $MC_FETCH_WHY"
			return 2
		fi
	fi
	if [ "$DEB_ONLY" = 1 ]; then
		echo "$S_VER $deb"
		return 0
	fi
	mc_log "src-$v" fetch "extracting $PARTS (once)"
	tmp=$MC_CACHE/sources/.tmp-linux-source-$v
	rm -rf "$tmp"
	mkdir -p "$tmp"
	# one pass: every top-level file and directory except the known big
	# directories not listed in PARTS
	parts=()
	for p in $SKIPPABLE; do
		case " $PARTS " in *" $p "*) continue ;; esac
		parts+=(--exclude="linux-source-$v/$p")
	done
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards './usr/src/linux-source-*.tar.*' |
		xz -dc | tar -x -C "$tmp" "${parts[@]}" 2>"$tmp.err"
	if [ ! -s "$tmp/linux-source-$v/Makefile" ] || [ ! -d "$tmp/linux-source-$v/mm" ]; then
		mc_log "src-$v" fetch "FAIL: extraction incomplete: $(head -c 300 "$tmp.err")"
		rm -rf "$tmp" "$tmp.err"
		return 2
	fi
	rm -rf "$dest" "$tmp.err"
	mv "$tmp/linux-source-$v" "$dest"
	rmdir "$tmp"
	echo "$stamp" >"$dest/.movcompat-stamp"
	mc_log "src-$v" fetch "linux-source-$v $S_VER ready in $(mc_since "$t")s: $dest"
	echo "$dest"
}

DEB_ONLY=0 versions=()
usage="usage: ci/fetch-source.sh [--deb] VERSION... (e.g. 5.10 6.1 7.3)"
mc_options "$usage" --deb!DEB_ONLY @versions -- "$@"
set -- "${versions[@]}"
[ $# -gt 0 ] || mc_die "$usage" 64
mc_need curl curl
mc_need xz xz-utils
rc=0
mkdir -p "$MC_CACHE/sources"
for v in "$@"; do
	case $v in
	[0-9]*.[0-9]*) ;;
	*) mc_die "bad version '$v' (expected e.g. 6.1)" 64 ;;
	esac
	(
		flock 8
		fetch_one "$v"
	) 8>"$MC_CACHE/sources/.lock-$v" || rc=2
done
exit $rc
