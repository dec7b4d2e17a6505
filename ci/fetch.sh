#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Resolve and download one or more kernels' packages into the cache, verify
# their SHA256 (from the suite's index, or the pin in ci/kernels.list for
# pool-only packages) and extract the kernel image and config.
#
# usage: ci/fetch.sh KEY...
# exit:  0 all fetched, 2 a kernel is unavailable (reason printed), 64 bad key

. "$(dirname "$0")/lib.sh"

# lookup INDEX PACKAGE VERSION: "Filename SHA256" of that package version
# (its own parser: it stops at the match, index_entries reads the whole index).
lookup()
{
	awk -v p="$2" -v v="$3" '
		/^Package: / { pk = $2; ver = ""; fn = ""; sh = "" }
		/^Version: / { ver = $2 }
		/^Filename: / { fn = $2 }
		/^SHA256: / { sh = $2 }
		/^$/ { if (pk == p && ver == v && fn != "") { print fn, sh; done = 1; exit } }
		END { if (!done && pk == p && ver == v && fn != "") print fn, sh }' "$1"
}

# newest_revision INDEX PACKAGE VERSION: "Filename SHA256 Version" of the
# newest version of PACKAGE in INDEX with the same upstream version as
# VERSION (a later Debian revision of the same kernel: package names carry
# the ABI, so the release is the same), or nothing.
newest_revision()
{
	local up=${3%-*} best='' ver fn sh
	while read -r ver fn sh; do
		[ "${ver%-*}" = "$up" ] || continue
		if [ -z "$best" ] || dpkg --compare-versions "$ver" gt "${best##* }"; then
			best="$fn $sh $ver"
		fi
	done < <(index_entries "$1" "$2")
	echo "$best"
}

# pool_dir SUITE: the archive's directory of the linux source package.
pool_dir()
{
	case $1 in
	*-security) echo pool/updates/main/l/linux ;;
	*) echo pool/main/l/linux ;;
	esac
}

# pin ROLE: the sha256 pin of that role in the row's sha256 column, if any.
pin() { tr ',' '\n' <<<"$K_SHA" | awk -F= -v r="$1" '$1 == r { print $2 }'; }

# from_pool SUITE PACKAGE ARCH SHA256: sets R_FILE R_URL R_SHA for the
# pinned file of this kernel's version in SUITE's pool.
from_pool()
{
	local mirror
	mirror=$(mc_mirror "$1") || return 1
	R_SHA=$4
	R_FILE=${2}_${K_VER}_$3.deb
	R_URL=$mirror/$(pool_dir "$1")/$(urlenc "$R_FILE")
}

urlenc() { sed -e 's/+/%2B/g' -e 's/~/%7E/g' <<<"$1"; }

# resolve ROLE PACKAGE: sets R_URL R_SHA R_FILE (and R_NOTE when it had to
# fall back) or returns 1 with R_WHY. A package version that left its
# suite's index is taken from the pool when ci/kernels.list pins its
# sha256, else the newest Debian revision of the same upstream version in
# the index is used (security updates replace e.g. linux-kbuild-6.1 in place).
resolve()
{
	local role=$1 pkg=$2 idx hit arch=amd64 pinned
	R_WHY='' R_NOTE=''
	[ "$role" = common ] && arch=all
	pinned=$(pin "$role")
	if [ "$K_SUITE" = pool ]; then
		if [ -z "$pinned" ]; then
			R_WHY="no sha256 pin for '$role' in ci/kernels.list"
			return 1
		fi
		from_pool main "$pkg" "$arch" "$pinned"
		return
	fi
	idx=$(index_file "$K_SUITE")
	if [ -z "$idx" ]; then
		R_WHY="index of suite $K_SUITE could not be downloaded from $(mc_mirror "$K_SUITE")"
		return 1
	fi
	hit=$(lookup "$idx" "$pkg" "$K_VER")
	if [ -z "$hit" ]; then
		idx=$(index_file "$K_SUITE" refresh)
		hit=$(lookup "$idx" "$pkg" "$K_VER")
	fi
	if [ -z "$hit" ] && [ -n "$pinned" ]; then
		from_pool "$K_SUITE" "$pkg" "$arch" "$pinned" || return 1
		R_NOTE="$pkg $K_VER left suite $K_SUITE; taken from the pool (sha256 pinned)"
		return 0
	fi
	if [ -z "$hit" ]; then
		hit=$(newest_revision "$idx" "$pkg" "$K_VER")
		if [ -n "$hit" ]; then
			R_NOTE="$pkg $K_VER left suite $K_SUITE; using ${hit##* }, a later Debian revision of the same kernel (pin '$role=SHA256' in ci/kernels.list for the exact file)"
			hit=${hit% *}
		fi
	fi
	if [ -z "$hit" ]; then
		R_WHY="$pkg $K_VER is not in suite $K_SUITE any more, nor a later revision of it; add a sha256 pin for '$role' to ci/kernels.list (the pool keeps old files a while) or move the row to a newer release"
		return 1
	fi
	R_SHA=${hit#* }
	R_FILE=$(basename "${hit% *}")
	R_URL=$(mc_mirror "$K_SUITE")/$(urlenc "${hit% *}")
}

# fetch_debug: a debug row's linux-source package (ci/debug-kernel.sh
# builds the kernel from it in the toolchain step).
fetch_debug()
{
	if mc_debug_source "$K_KEY"; then
		mc_log "$K_KEY" fetch "linux-source-$D_SERIES $D_VER ($(basename "$D_DEB")); the kernel is built in the toolchain step"
		mc_step_done "$K_KEY" fetch PASS "linux-source-$D_SERIES $D_VER" "$t" "$c"
		return 0
	fi
	mc_log "$K_KEY" fetch "UNAVAILABLE: $R_WHY"
	mc_step_done "$K_KEY" fetch UNAVAILABLE "$R_WHY" "$t" "$c"
	return 2
}

# fetch_local: a "local" row's kernel is one its user built: nothing to
# fetch, but it must be in place.
fetch_local()
{
	local why
	if [ -s "$K_DIR/boot/vmlinuz" ] && [ -s "$(mc_kdir "$K_KEY")/Module.symvers" ]; then
		mc_log "$K_KEY" fetch "a kernel built by its user: $K_DIR/boot/vmlinuz, tree $(mc_kdir "$K_KEY")"
		mc_step_done "$K_KEY" fetch PASS "local kernel in $K_DIR" "$t" "$c"
		return 0
	fi
	why="layout local: put the bzImage at $K_DIR/boot/vmlinuz and the built tree (with Module.symvers) at $K_DIR/tree (a symlink will do)"
	mc_log "$K_KEY" fetch "UNAVAILABLE: $why"
	mc_step_done "$K_KEY" fetch UNAVAILABLE "$why" "$t" "$c"
	return 2
}

# fetch_one KEY: download, verify, extract. Prints one progress line.
fetch_one()
{
	local t c role pkg deb n=0 dl=0 bytes=0 why
	mc_kernel "$1"
	t=$(mc_now)
	mc_cpu_ticks c
	if [ "$K_LAYOUT" = debug ]; then
		fetch_debug
		return
	fi
	if [ "$K_LAYOUT" = local ]; then
		fetch_local
		return
	fi
	mkdir -p "$MC_CACHE/debs" "$K_DIR/boot"
	: >"$K_DIR/debs.list.tmp"
	while read -r role pkg; do
		n=$((n + 1))
		if ! resolve "$role" "$pkg"; then
			mc_log "$K_KEY" fetch "UNAVAILABLE: $R_WHY"
			mc_step_done "$K_KEY" fetch UNAVAILABLE "$R_WHY" "$t" "$c"
			return 2
		fi
		[ -z "$R_NOTE" ] || mc_log "$K_KEY" fetch "note: $R_NOTE"
		deb=$MC_CACHE/debs/$R_FILE
		if ! { [ -s "$deb" ] && [ "$(cat "$deb.sha256" 2>/dev/null)" = "$R_SHA" ]; }; then
			if ! mc_fetch_deb "$R_URL" "$R_SHA" "$deb"; then
				mc_log "$K_KEY" fetch "UNAVAILABLE: $MC_FETCH_WHY"
				mc_step_done "$K_KEY" fetch UNAVAILABLE "$MC_FETCH_WHY" "$t" "$c"
				return 2
			fi
			dl=$((dl + 1))
			bytes=$((bytes + $(stat -c %s "$deb")))
		fi
		echo "$role $deb" >>"$K_DIR/debs.list.tmp"
	done < <(mc_kernel_packages "$K_KEY")
	mv "$K_DIR/debs.list.tmp" "$K_DIR/debs.list"
	extract_boot || return 2
	if [ $dl = 0 ]; then
		mc_log "$K_KEY" fetch "cache hit ($n packages) $(mc_since "$t")s"
		mc_step_done "$K_KEY" fetch PASS "cache hit" "$t" "$c"
	else
		mc_log "$K_KEY" fetch "downloaded $dl of $n packages ($((bytes / 1048576)) MiB) in $(mc_since "$t")s"
		mc_step_done "$K_KEY" fetch PASS "downloaded $dl" "$t" "$c"
	fi
}

# extract_boot: vmlinuz and config into $K_DIR/boot (once per package set).
extract_boot()
{
	local stamp tmp
	stamp=$(sha256sum "$K_DIR/debs.list" | cut -c1-16)
	if [ -s "$K_DIR/boot/vmlinuz" ] && [ "$(cat "$K_DIR/boot/.stamp" 2>/dev/null)" = "$stamp" ]; then
		# a cache filled before the PVH image existed
		[ -e "$K_DIR/boot/vmlinux" ] || [ -e "$K_DIR/boot/no-pvh" ] ||
			extract_pvh "$K_DIR/boot/vmlinuz" "$K_DIR/boot/vmlinux"
		return 0
	fi
	tmp=$(mktemp -d)
	if [ "$K_LAYOUT" = binary ]; then
		dpkg-deb --fsys-tarfile "$(deb_of "$K_KEY" image)" | tar -x -C "$tmp" --wildcards '*/vmlinuz*' &&
		dpkg-deb --fsys-tarfile "$(deb_of "$K_KEY" config)" | tar -x -C "$tmp" --wildcards '*/config*'
	else
		dpkg-deb --fsys-tarfile "$(deb_of "$K_KEY" image)" | tar -x -C "$tmp" --wildcards './boot/*'
	fi
	local vml cfg
	vml=$(find "$tmp" -name "vmlinuz*" -type f | head -n1)
	cfg=$(find "$tmp" -name "config*" -type f | head -n1)
	if [ -z "$vml" ] || [ -z "$cfg" ]; then
		rm -rf "$tmp"
		mc_log "$K_KEY" fetch "UNAVAILABLE: no vmlinuz/config inside the image packages"
		mc_step_result "$K_KEY" fetch UNAVAILABLE 0 "no vmlinuz/config in image packages"
		return 1
	fi
	cp "$vml" "$K_DIR/boot/vmlinuz"
	cp "$cfg" "$K_DIR/boot/config"
	rm -rf "$tmp"
	rm -f "$K_DIR/boot/vmlinux" "$K_DIR/boot/no-pvh"
	extract_pvh "$K_DIR/boot/vmlinuz" "$K_DIR/boot/vmlinux"
	echo "$stamp" >"$K_DIR/boot/.stamp"
}

# extract_pvh VMLINUZ VMLINUX: the uncompressed kernel ELF inside the
# bzImage (what scripts/extract-vmlinux finds: the payload after the first
# compression magic that decompresses to an ELF file), kept only when it has
# the PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY, CONFIG_PVH; Debian has it on
# every kernel here). QEMU then starts the same kernel at its PVH entry,
# without the real-mode setup and the in-guest decompression, which under
# TCG cost about a CPU second per boot (ci/vm.sh; MOVCOMPAT_BOOT=bzimage
# boots the bzImage). Nothing is written when there is no such payload.
extract_pvh()
{
	local in=$1 out=$2 magic tool off
	for magic in '\x28\xb5\x2f\xfd:zstd -dcq' '\x02\x21\x4c\x18:lz4 -dcq' \
		'\xfd\x37\x7a\x58\x5a\x00:xz -dcq' '\x1f\x8b\x08:gzip -dcq'; do
		tool=${magic#*:}
		command -v "${tool%% *}" >/dev/null 2>&1 || continue
		for off in $(LC_ALL=C grep -aboP "${magic%%:*}" "$in" 2>/dev/null | cut -d: -f1 | head -n 3); do
			tail -c +$((off + 1)) "$in" | $tool >"$out.tmp" 2>/dev/null
			if [ "$(head -c 4 "$out.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] &&
			   readelf -n "$out.tmp" 2>/dev/null | grep -qE '^ *Xen .*(\(0x00000012\)|PHYS32_ENTRY)'; then
				mv "$out.tmp" "$out"
				return 0
			fi
		done
	done
	rm -f "$out.tmp"
	touch "$(dirname "$out")/no-pvh"
	mc_log "$K_KEY" fetch "note: no PVH-bootable ELF inside the bzImage; guests boot the bzImage"
	return 0
}

[ $# -gt 0 ] || mc_die "usage: ci/fetch.sh KEY... (keys from ci/kernels.list)" 64
mc_need curl curl
mc_need xz xz-utils
rc=0
for key in "$@"; do
	(mc_kernel "$key") || exit 64
	# one job at a time fills a kernel's cache entry (the others wait, then
	# find it complete)
	(mc_lock "kernel-$key" "$key" fetch && fetch_one "$key") || rc=2
done
exit $rc
