#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the host packages movcompat's scripts need, with apt-get, only
# when something is missing. Never changes apt's sources.
#
# usage: ci/deps.sh [--cocci]

. "$(dirname "$0")/lib.sh"

# command -> package that provides it
want="qemu-system-x86_64:qemu-system-x86 debootstrap:debootstrap cpio:cpio
zstd:zstd xz:xz-utils pahole:dwarves curl:curl make:make gcc-12:gcc-12
unshare:util-linux dpkg-deb:dpkg sha256sum:coreutils flock:util-linux
perl:perl"
[ "${1:-}" = --cocci ] && want="$want spatch:coccinelle"

missing=
for pair in $want; do
	command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
done
# busybox must be the static build: it runs as the guest's only userland.
if ! [ -x /bin/busybox ] || ! file -L /bin/busybox 2>/dev/null | grep -q 'statically linked'; then
	command -v file >/dev/null 2>&1 || missing="$missing file"
	missing="$missing busybox-static"
fi
# libelf for the kbuild packages' objtool and resolve_btfids binaries
[ -e /usr/lib/x86_64-linux-gnu/libelf.so.1 ] || missing="$missing libelf1"

if [ -z "$missing" ]; then
	mc_log host deps "all host packages present"
	exit 0
fi
[ "$(id -u)" = 0 ] || mc_die "missing packages:$missing; run as root or install them: apt-get install$missing"
mc_log host deps "installing:$missing"
t=$(mc_now)
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update -qq || mc_die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		mc_die "apt-get install$missing failed"
fi
mc_log host deps "installed in $(mc_since "$t")s"
