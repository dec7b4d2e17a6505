#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the host packages movcompat's scripts need, with apt-get, only
# when something is missing. Never changes apt's sources.
#
# usage: ci/deps.sh [--cocci|--test]
#   --cocci: also Coccinelle; --test: everything make test uses (Coccinelle,
#   sparse, patch), installed up front so the checks that run side by side
#   never call apt-get at the same time

. "$(dirname "$0")/lib.sh"

# command -> package that provides it
want="qemu-system-x86_64:qemu-system-x86 debootstrap:debootstrap cpio:cpio
zstd:zstd xz:xz-utils pahole:dwarves curl:curl make:make gcc-12:gcc-12
unshare:util-linux dpkg-deb:dpkg sha256sum:coreutils flock:util-linux
perl:perl"
case ${1:-} in
--cocci) want="$want spatch:coccinelle" ;;
--test) want="$want spatch:coccinelle sparse:sparse patch:patch" ;;
'') ;;
*) mc_die "unknown option '$1'; usage: ci/deps.sh [--cocci|--test]" 64 ;;
esac

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
# wait for another apt-get/dpkg instead of failing on its lock
apt=(apt-get -o DPkg::Lock::Timeout=300)
if ! "${apt[@]}" install -y -qq --no-install-recommends $missing >/dev/null 2>&1; then
	"${apt[@]}" update -qq || mc_die "apt-get update failed"
	"${apt[@]}" install -y -qq --no-install-recommends $missing >/dev/null ||
		mc_die "apt-get install$missing failed"
fi
mc_log host deps "installed in $(mc_since "$t")s"
