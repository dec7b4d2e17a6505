#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The GitHub workflow's matrices, from the same lists as the local matrix:
#   debian=[...]    keys of ci/kernels.list (booted with this harness)
#   upstream=[...]  rows of ci/upstream-kernels.list (built from kernel.org)
#   distro=[...]    enterprise distributions' kernel-devel containers
# One NAME=JSON line each, as $GITHUB_OUTPUT wants them (the workflow
# appends them there; here they go to stdout).
#
# usage: ci/github-matrix.sh [--kernels required|all|"KEYS"]

. "$(dirname "$0")/lib.sh"

kernels=required
mc_options "usage: ci/github-matrix.sh [--kernels KEYS]" --kernels=kernels -- "$@"
keys=$(mc_expand_kernels "$kernels") || exit 64

json_list() { awk 'BEGIN { printf "[" } { printf "%s\"%s\"", (NR > 1 ? "," : ""), $0 } END { print "]" }'; }

echo "debian=$(printf '%s\n' $keys | json_list)"
echo "upstream=$(awk '!/^#/ && NF >= 3 {
	printf "%s{\"key\":\"%s\",\"version\":\"%s\",\"image\":\"%s\"}", (n++ ? "," : "["), $1, $2, $3
} END { print (n ? "]" : "[]") }' "$MC_CI/upstream-kernels.list")"
# RHEL 8 (4.18 with backports), RHEL 9 (5.14 with the 6.0 API), SLES 15
echo 'distro=[{"name":"rhel8","image":"rockylinux:8","install":"dnf -y install kernel-devel gcc make elfutils-libelf-devel diffutils","kdir":"/usr/src/kernels/*"},{"name":"rhel9","image":"rockylinux:9","install":"dnf -y install kernel-devel gcc make elfutils-libelf-devel diffutils","kdir":"/usr/src/kernels/*"},{"name":"sles15","image":"opensuse/leap:15","install":"zypper -n install kernel-default-devel gcc make","kdir":"/usr/src/linux-*-obj/x86_64/default"}]'
