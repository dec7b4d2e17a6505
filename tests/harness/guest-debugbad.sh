# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the debug kernels' negative tests: mc_debugbad commits the
# bug named by MC_BUG (the row's --env), and the host's console scan must
# report it with the pattern of ci/console-errors.txt named here (vm.sh
# checks that this very pattern fired, not just any).
case ${MC_BUG:-} in
kasan) exp='KASAN:' ;;
kfence) exp='KFENCE:' ;;
abba) exp='possible circular locking' ;;
irqstate) exp='inconsistent lock state' ;;
rcu) exp='suspicious RCU usage' ;;
sleep) exp='sleeping function called from invalid context' ;;
dumppage) exp='page dumped because' ;;
vmbug) exp='VM_BUG_ON' ;;
listdel) exp='list_del corruption' ;;
*) t_fail debugbad "unknown MC_BUG '${MC_BUG:-}'"; return 0 ;;
esac
echo "    # expect-error: $exp"
t_load mc_debugbad bug="$MC_BUG"
