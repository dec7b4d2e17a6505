#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the build environment of one or more (already fetched) kernels:
#  - host:gcc-12 kernels: headers, common and kbuild unpacked into a private
#    root in the cache, the flavour Makefile's absolute include fixed;
#  - chroot-SUITE:gcc-N kernels: a cached debootstrap chroot of SUITE with
#    that compiler, the headers unpacked inside it at their normal paths;
#  - debug kernels (layout "debug"): that chroot, and the kernel built in
#    it by ci/debug-kernel.sh (cached; tens of minutes cold).
# debootstrap runs in a private mount namespace, so no mount stays behind.
#
# usage: ci/toolchain.sh KEY...

. "$(dirname "$0")/lib.sh"

host_root()
{
	local root=$K_DIR/root stamp t
	stamp=$(sha256sum "$K_DIR/debs.list" | cut -c1-16)
	if [ "$(cat "$root/.stamp" 2>/dev/null)" = "$stamp" ]; then
		mc_log "$K_KEY" toolchain "cache hit (host $K_CC, headers in $root)"
		return 0
	fi
	mc_need "$K_CC" "$K_CC"
	t=$(mc_now)
	rm -rf "$root"
	mkdir -p "$root"
	for role in headers common kbuild; do
		dpkg -x "$(deb_of "$K_KEY" $role)" "$root" || return 1
	done
	# The flavour Makefile includes the common tree by absolute path
	# (7.x also sets KBUILD_OUTPUT): point both into the private root.
	sed -i -e "s|^include /usr/src/|include $root/usr/src/|" \
	       -e "s|KBUILD_OUTPUT=/usr/src/|KBUILD_OUTPUT=$root/usr/src/|" \
	       "$root/usr/src/linux-headers-$K_REL/Makefile"
	echo "$stamp" >"$root/.stamp"
	mc_log "$K_KEY" toolchain "unpacked headers for host $K_CC in $(mc_since "$t")s"
}

make_chroot()
{
	local suite=$1 cc=$2 dir t
	dir=$(mc_chroot_dir "$suite")
	[ -e "$dir/.movcompat-ok" ] && return 0
	t=$(mc_now)
	mc_log "$K_KEY" toolchain "debootstrap $suite with $cc (about a minute, once)"
	if ! mc_debootstrap "$suite" "$dir" "$dir.log" \
		"$cc,make,libc6-dev,pahole,libelf1t64,libssl3t64,zlib1g,kmod,bc"; then
		mc_log "$K_KEY" toolchain "debootstrap of $suite failed (lines above; all of it in $dir.log)"
		return 1
	fi
	mc_log "$K_KEY" toolchain "chroot $suite ready in $(mc_since "$t")s"
}

chroot_headers()
{
	local dir stamp t role
	dir=$(mc_chroot_dir "$K_CHROOT_SUITE")
	stamp=$(sha256sum "$K_DIR/debs.list" | cut -c1-16)
	# a kbuild run can rewrite the flavour Makefile (O= wrapper): re-unpack
	if [ "$(cat "$dir/usr/src/.movcompat-$K_REL" 2>/dev/null)" = "$stamp" ] &&
	   ! head -n 1 "$dir$(mc_kdir "$K_KEY")/Makefile" | grep -q 'Automatically generated'; then
		mc_log "$K_KEY" toolchain "cache hit (chroot $K_CHROOT_SUITE, $K_CC)"
		return 0
	fi
	t=$(mc_now)
	for role in headers common kbuild; do
		# tar, not dpkg -x: keep the chroot's lib -> usr/lib symlinks
		dpkg-deb --fsys-tarfile "$(deb_of "$K_KEY" $role)" |
			tar -x --keep-directory-symlink -C "$dir" || return 1
	done
	echo "$stamp" >"$dir/usr/src/.movcompat-$K_REL"
	mc_log "$K_KEY" toolchain "unpacked headers into chroot $K_CHROOT_SUITE in $(mc_since "$t")s"
}

prepare_one()
{
	local t c
	mc_kernel "$1"
	t=$(mc_now)
	mc_cpu_ticks c
	mc_own_tree "$K_KEY" || [ -s "$K_DIR/debs.list" ] ||
		mc_die "kernel $K_KEY is not fetched: run 'bash ci/fetch.sh $K_KEY' first"
	if [ "$K_LAYOUT" = local ]; then
		mc_log "$K_KEY" toolchain "a kernel built by its user: its tree $(mc_kdir "$K_KEY") is used as it is"
	elif [ -z "$K_CHROOT_SUITE" ]; then
		host_root || return 1
	else
		# a debug kernel has no headers package: it is built below,
		# outside the chroots' lock (tens of minutes cold)
		(
			flock 9
			make_chroot "$K_CHROOT_SUITE" "$K_CC" &&
				{ [ "$K_LAYOUT" = debug ] || chroot_headers; }
		) 9>"$MC_CACHE/chroots/.lock" || return 1
		if [ "$K_LAYOUT" = debug ]; then
			bash "$MC_CI/debug-kernel.sh" "$K_KEY" || return 1
		fi
	fi
	mc_step_done "$K_KEY" toolchain PASS "$K_ENV" "$t" "$c"
}

[ $# -gt 0 ] || mc_die "usage: ci/toolchain.sh KEY..." 64
mkdir -p "$MC_CACHE/chroots"
rc=0
for key in "$@"; do
	(mc_kernel "$key") || exit 64
	(mc_lock "kernel-$key" "$key" toolchain && prepare_one "$key") ||
		{ mc_step_result "$key" toolchain FAIL 0 "toolchain"; rc=1; }
done
exit $rc
