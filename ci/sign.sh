#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make sign KEY=key.pem CERT=cert.pem [KERNELS=...]: sign built modules
# with the kernel's own scripts/sign-file (from its headers) and a user's
# key, with the hash the kernel expects (CONFIG_MODULE_SIG_HASH). Without
# module arguments it signs every .ko under build/KEY/ of those kernels.
# A kernel with CONFIG_MODULE_SIG_FORCE or module.sig_enforce=1 loads the
# modules only if it trusts the key (its built-in keys, or a key enrolled
# with mokutil on a Secure Boot machine: docs/backends.md).
#
# usage: ci/sign.sh --key KEY --cert CERT [--kernels KEYS] [MODULE.ko...]
# exit: 0 signed, 1 a module could not be signed, 64 bad arguments

. "$(dirname "$0")/lib.sh"

usage="usage: make sign KEY=key.pem CERT=cert.pem [KERNELS=...] (or ci/sign.sh --key KEY --cert CERT [--kernels KEYS] [MODULE.ko...])"
key='' cert='' kernels=$MC_DEFAULT_KERNEL mods=()
mc_options "$usage" --key=key --cert=cert --kernels=kernels @mods -- "$@"
[ -n "$key" ] && [ -n "$cert" ] || mc_die "$usage" 64
[ -r "$key" ] || mc_die "key '$key' is not readable (KEY=: the private key, PEM)" 64
[ -r "$cert" ] || mc_die "certificate '$cert' is not readable (CERT=: the X.509 certificate, PEM or DER)" 64
key=$(readlink -f "$key") cert=$(readlink -f "$cert")
keys=$(mc_expand_kernels "$kernels") || exit 64
rc=0
for k in $keys; do
	mc_kernel "$k"
	kroot=$(mc_kdir_host "$k")
	[ -x "$kroot/scripts/sign-file" ] ||
		mc_die "kernel $k has no scripts/sign-file in its headers ($kroot): run 'bash ci/fetch.sh $k && bash ci/toolchain.sh $k'" 1
	hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"/\1/p' "$kroot/.config")
	list=("${mods[@]}")
	[ ${#list[@]} -gt 0 ] || mapfile -t list < <(find "$MC_BUILD/$k" -name '*.ko' -not -path '*/vm-*' 2>/dev/null)
	n=0
	for m in "${list[@]}"; do
		m=$(readlink -f "$m")
		if tail -c 28 "$m" | grep -q 'Module signature appended'; then
			mc_log "$k" sign "$m is signed already: skipped (sign a fresh build)"
			continue
		fi
		if MC_EXTRA_BIND="$(dirname "$m") $(dirname "$key") $(dirname "$cert")" \
			mc_in_env "$k" "$(mc_kdir "$k")/scripts/sign-file" "${hash:-sha256}" "$key" "$cert" "$m"; then
			n=$((n + 1))
		else
			mc_log "$k" sign "FAIL: sign-file could not sign $m"
			rc=1
		fi
	done
	mc_log "$k" sign "signed $n module(s) with $(basename "$cert") (${hash:-sha256})"
done
exit $rc
