#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the README's commands as on a fresh Debian 12 machine: a new minimal
# bookworm chroot (debootstrap --variant=minbase, plus git and make, the two
# things a user needs to clone and type "make"), the host's apt sources,
# npm configuration and local certificate authorities (the site's
# registries and how it reaches them) copied in unchanged, a clone of
# this repository at HEAD and an empty movcompat cache. The command runs
# once cold and, with --warm, once more on the same cache from a new clone;
# both wall times are printed.
# Nothing of the host's is used but its kernel, that site configuration
# and the repository's committed files.
#
# usage: ci/fresh-run.sh [--dir DIR] [--warm] [--keep] [-- COMMAND...]
#        default COMMAND: make test; default DIR: /var/tmp/movcompat-fresh
# exit:  the command's exit status (the first failing run's)

. "$(dirname "$0")/lib.sh"

dir=/var/tmp/movcompat-fresh warm=0 keep=0 cmd=(make test)
given=()
mc_options "usage: ci/fresh-run.sh [--dir DIR] [--warm] [--keep] [-- COMMAND...]" --dir=dir --warm!warm --keep!keep @given -- "$@"
[ ${#given[@]} = 0 ] || cmd=("${given[@]}")
[ "$(id -u)" = 0 ] || mc_die "ci/fresh-run.sh needs root (debootstrap, chroot, bind mounts)" 64
mc_need debootstrap debootstrap
mc_need git git
root=$dir/root
case $root in /|/usr*|/etc*|/home|/root) mc_die "refusing to use '$dir' as the fresh machine's directory" 64 ;; esac

mounted=()
cleanup()
{
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount -l "${mounted[$i]}" 2>/dev/null
	done
	[ $keep = 1 ] || rm -rf --one-file-system "$root"
}
trap cleanup EXIT

if [ -e "$root" ]; then
	grep -qs " $root/" /proc/mounts && mc_die "$root still has mounts; unmount them (umount -R $root/proc …) first" 1
	rm -rf --one-file-system "$root"
fi
mkdir -p "$dir"
t=$(mc_now)
mc_log fresh debootstrap "minimal bookworm with git and make into $root"
debootstrap --variant=minbase --include=git,make bookworm "$root" "$(mc_mirror bookworm)" \
	>"$dir/debootstrap.log" 2>&1 || mc_die "debootstrap failed; see $dir/debootstrap.log" 1
mc_log fresh debootstrap "done in $(mc_since "$t")s"

# the host's apt configuration, as a fresh machine of this site would have it
rm -f "$root/etc/apt/sources.list"
cp -a /etc/apt/sources.list.d/. "$root/etc/apt/sources.list.d/"
[ -e /etc/apt/sources.list ] && cp /etc/apt/sources.list "$root/etc/apt/sources.list"
[ -d /etc/apt/apt.conf.d ] && cp -an /etc/apt/apt.conf.d/. "$root/etc/apt/apt.conf.d/"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
# and its npm configuration and local certificate authorities (a site's
# TLS proxy signs with its own; ca-certificates, installed by ci/deps.sh,
# adds them to the bundle npm reads)
[ -r /etc/npmrc ] && cp /etc/npmrc "$root/etc/npmrc"
[ -r "$HOME/.npmrc" ] && cp "$HOME/.npmrc" "$root/root/.npmrc"
if [ -d /usr/local/share/ca-certificates ]; then
	mkdir -p "$root/usr/local/share/ca-certificates"
	cp -a /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
fi
chroot "$root" apt-get update -qq >>"$dir/debootstrap.log" 2>&1 ||
	mc_die "apt-get update in the fresh machine failed; see $dir/debootstrap.log" 1

# a machine's root is a mount point (unshare --propagation needs one)
mount --bind "$root" "$root" || mc_die "bind-mounting $root onto itself failed" 1
mounted+=("$root")
for m in proc sys dev dev/pts; do
	mount --bind "/$m" "$root/$m" || mc_die "bind-mounting /$m into $root failed" 1
	mounted+=("$root/$m")
done

run() # NAME: clone HEAD afresh and run the command in it
{
	local name=$1 t rc
	rm -rf "$root/root/movcompat"
	git clone -q "$MC_TOP" "$root/root/movcompat" || mc_die "git clone of $MC_TOP failed" 1
	mc_log fresh "$name" "running '${cmd[*]}' in a clean clone of $(git -C "$MC_TOP" rev-parse --short HEAD)"
	t=$(mc_now)
	chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		bash -c 'cd /root/movcompat && "$@"' fresh-run "${cmd[@]}" 2>&1 | tee "$dir/$name.log"
	rc=${PIPESTATUS[0]}
	FRESH_SECS[$name]=$(mc_since "$t")
	mc_log fresh "$name" "exit $rc in ${FRESH_SECS[$name]}s; log: $dir/$name.log"
	return "$rc"
}

declare -A FRESH_SECS=()
run cold
rc=$?
if [ $warm = 1 ]; then
	run warm
	r=$?
	[ $rc = 0 ] && rc=$r
	echo
	printf '%-6s %10s %s\n' run seconds result
	printf '%-6s %10s %s\n' cold "${FRESH_SECS[cold]}" "$(tail -n 1 "$dir/cold.log")"
	printf '%-6s %10s %s\n' warm "${FRESH_SECS[warm]}" "$(tail -n 1 "$dir/warm.log")"
	awk -v c="${FRESH_SECS[cold]}" -v w="${FRESH_SECS[warm]}" \
		'BEGIN { if (w > 0) printf "cold/warm = %.2f\n", c / w }'
fi
exit "$rc"
