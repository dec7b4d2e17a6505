# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the leaked-domain test (needs --mem 2048, movablecore=1G):
# mc_pages fails its module_init without movcompat_domain_destroy(), the
# bug a ported driver has when the domain is set up before checks whose
# error paths return directly: fail_init=1 right after
# movcompat_domain_init(), fail_init=2 after making its pages movable (they
# are left too). When the kernel frees the module, movcompat's guard must
# tear the domain down and say so naming module and domain; afterwards
# nothing may reach the freed module: the core's debugfs directory is gone,
# compaction and memory offlining (the core's memory notifier was called
# from the freed module before) run without a kernel error. Rounds with
# the balloon carrier where it exists (carrier=1).
M=mc_pages
MEM=/sys/devices/system/memory

round() # NAME PARAMS...
{
	n=$1
	shift
	dmesg -c >/dev/null
	if insmod /modules/$M.ko npages=256 fragment=0 "$@" 2>/dev/null; then
		t_fail "$n-init-fails" "insmod $* succeeded"
		t_unload $M
		return
	fi
	t_pass "$n-init-fails"
	said=$(dmesg | sed -n 's/^\[[^]]*\] //; /movcompat: module/p')
	case $said in
	*"module $M is being freed with domain $M still registered"*) t_pass "$n-torn-down" "$said" ;;
	*) t_fail "$n-torn-down" "no teardown message naming module and domain: $(dmesg | tail -n 3 | tr '\n' ' ')" ;;
	esac
	t_info "$n: $(dmesg | sed -n 's/^\[[^]]*\] //; /movcompat: domain/p' | tr '\n' ' ')"
	if [ -e /sys/kernel/debug/movcompat-$M ]; then
		t_fail "$n-debugfs-gone" "/sys/kernel/debug/movcompat-$M is still there"
		cat /sys/kernel/debug/movcompat-$M/* >/dev/null 2>&1
	else
		t_pass "$n-debugfs-gone"
	fi
	echo 1 >/proc/sys/vm/compact_memory
	# offline (and online again) a ZONE_MOVABLE block: every memory
	# notifier is called; pages left by fail_init=2 may make it wait
	top=$(t_top_block) rc=x
	for blk in $(ls -d $MEM/memory* | sed 's/.*memory//' | sort -rn); do
		[ "$blk" != "$top" ] || continue
		case $(t_zone "$blk") in Movable*) ;; *) continue ;; esac
		rc=0
		timeout "$(t_secs 20)" sh -c "echo offline >$MEM/memory$blk/state" 2>/dev/null || rc=$?
		[ $rc = 0 ] && t_online_again "$blk" Movable
		[ $rc = 0 ] && break
	done
	t_info "$n: offline of a ZONE_MOVABLE block: exit $rc (a kernel error would fail the boot)"
	t_pass "$n-compaction-and-offline-ran"
}

round init fail_init=1
round pages fail_init=2
if [ "${MCT_TEST:-}" = leak-init-carrier ]; then
	round init-carrier fail_init=1 carrier=1
	round pages-carrier fail_init=2 carrier=1
fi
