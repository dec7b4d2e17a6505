#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the host packages movcompat's scripts need, with apt-get, only
# when something is missing. Never changes apt's sources.
#
# usage: ci/deps.sh [--cocci|--lint|--test]
#   --cocci: also Coccinelle (with the libpython3.x.so its Python rules
#   load, which only libpython3-dev ships: without it every semantic patch
#   with a script fails), patch and python3; --lint: also sparse, shellcheck,
#   universal-ctags and npm (the workflow linters come from npm); --test:
#   everything make test uses (both sets), installed up front so the checks
#   that run side by side never call apt-get at the same time

. "$(dirname "$0")/lib.sh"

# command -> package that provides it
want="qemu-system-x86_64:qemu-system-x86 debootstrap:debootstrap cpio:cpio
zstd:zstd lz4:lz4 xz:xz-utils pahole:dwarves curl:curl make:make gcc-12:gcc-12
unshare:util-linux dpkg-deb:dpkg sha256sum:coreutils flock:util-linux
perl:perl"
cocci=0 lint=0
case ${1:-} in
--cocci) cocci=1 ;;
--lint) lint=1 ;;
--test) cocci=1 lint=1 ;;
'') ;;
*) mc_die "unknown option '$1'; usage: ci/deps.sh [--cocci|--lint|--test]" 64 ;;
esac
[ $cocci = 1 ] && want="$want spatch:coccinelle patch:patch python3:python3"
# make test packages the movram example with Debian's dkms
[ $cocci = 1 ] && [ $lint = 1 ] && want="$want dkms:dkms"
[ $lint = 1 ] && want="$want sparse:sparse shellcheck:shellcheck ctags:universal-ctags npm:npm"

missing=
for pair in $want; do
	command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
done
# busybox must be the static build: it runs as the guest's only userland.
if ! [ -x /bin/busybox ] || ! file -L /bin/busybox 2>/dev/null | grep -q 'statically linked'; then
	command -v file >/dev/null 2>&1 || missing="$missing file"
	missing="$missing busybox-static"
fi
# spatch dlopens the unversioned libpython3.x.so (libpython3-dev)
if [ $cocci = 1 ] && ! compgen -G '/usr/lib/x86_64-linux-gnu/libpython3.*.so' >/dev/null; then
	missing="$missing libpython3-dev"
fi
# the signing test boots OVMF with a key enrolled by virt-fw-vars, whose
# Python dependencies come from the host
if [ $cocci = 1 ] && [ $lint = 1 ]; then
	[ -r /usr/share/OVMF/OVMF_CODE_4M.fd ] || missing="$missing ovmf"
	for m in cryptography:python3-cryptography pefile:python3-pefile importlib_resources:python3-importlib-resources; do
		/usr/bin/python3 -c "import ${m%%:*}" 2>/dev/null || missing="$missing ${m#*:}"
	done
fi
# npm fetches over TLS; a site's npmrc may name the system's CA bundle
# (cafile=/etc/ssl/certs/ca-certificates.crt), which a minimal system lacks
[ $lint = 1 ] && ! [ -r /etc/ssl/certs/ca-certificates.crt ] && missing="$missing ca-certificates"
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
