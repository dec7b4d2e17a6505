#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot one kernel under QEMU (TCG) with a busybox initramfs holding the given
# modules and one or more guest test scripts (run in order, in one boot),
# stream the console with timestamps, take the results from the guest, and
# scan the console for kernel errors (ci/console-errors.txt, but for the
# transient reports of ci/console-benign.txt). A boot is
# retried only when the kernel died before /init ran, /init did not start
# within MOVCOMPAT_VM_INIT_DEADLINE seconds (a guest hung in early boot), or
# the kernel hit TCG's int3 flake before a test module was loaded (no taint);
# every retry is reported.
#
# usage: ci/vm.sh KEY --guest [TEST=]SCRIPT... [--module FILE.ko]... [--name NAME]
#                 [--timeout SECONDS] [--mem MB] [--append "KERNEL ARGS"]
#                 [--env VAR=VALUE]... [--retries N] [--expect-console-error]
# On a debug kernel (ci/kernels.list layout "debug") the timeout is
# multiplied by MOVCOMPAT_DEBUG_SLOW (default 4), which the guest gets as
# MC_SLOW, and the boot turns on debug_pagealloc and page_owner.
# Environment: MOVCOMPAT_ACCEL, MOVCOMPAT_SMP, MOVCOMPAT_BOOT_ARGS (kernel),
# MOVCOMPAT_QEMU_ARGS (extra QEMU options, e.g. the benchmarks' -icount),
# MOVCOMPAT_KASLR=1, MOVCOMPAT_QUIET=1, MOVCOMPAT_BOOT=bzimage,
# MOVCOMPAT_VM_INIT_DEADLINE (seconds to /init, default 120, times the
# debug kernels' factor).
# exit:  0 pass; 1 guest test failed; 2 kernel error on the console;
#        3 QEMU timeout; 4 no /init on every try (died or hung); 64 usage
# Writes build/KEY/vm-NAME/{console.log,result.env,tests.tsv}; tests.tsv has
# one row per guest script: TEST STATUS CHECKS_PASSED CHECKS_FAILED REASON.
# A kernel error is blamed on the test running when it was printed; the
# other tests of that boot fail too, naming it (their kernel was tainted).
# --expect-console-error inverts the verdict (the detector's own tests): the
# boot passes only if a kernel error appears, and it is stopped when that
# error's trace ends (at most 3 s after it) instead of running into its
# timeout.

. "$(dirname "$0")/lib.sh"

usage="usage: ci/vm.sh KEY --guest [TEST=]SCRIPT... [--module KO]... [--name NAME] [--timeout S] [--mem MB] [--append ARGS] [--env V=X]... [--retries N] [--expect-console-error]"
[ $# -ge 1 ] || mc_die "$usage" 64
key=$1
shift
name='' timeout=${MOVCOMPAT_VM_TIMEOUT:-120} mem=1024 append='' retries=3 expect_err=0
modules=() envs=() guests=() gnames=()
gspecs=()
mc_options "$usage" --guest+gspecs --module+modules --name=name --timeout=timeout \
	--mem=mem --append=append --env+envs --retries=retries \
	--expect-console-error!expect_err -- "$@"
for g in "${gspecs[@]}"; do
	if [[ "$g" == *=* ]]; then gnames+=("${g%%=*}"); guests+=("${g#*=}")
	else gnames+=("$(basename "$g" .sh)"); guests+=("$g"); fi
done
mc_kernel "$key"
timeout=$((timeout * K_SLOW))
init_deadline=${MOVCOMPAT_VM_INIT_DEADLINE:-120}
[[ "$init_deadline" =~ ^[1-9][0-9]*$ ]] ||
	mc_die "MOVCOMPAT_VM_INIT_DEADLINE='$init_deadline' is not a number of seconds (unset it for the default, 120)" 64
init_deadline=$((init_deadline * K_SLOW))
[ "$K_SLOW" = 1 ] || envs+=("MC_SLOW=$K_SLOW")
[ ${#guests[@]} -gt 0 ] || mc_die "no --guest script given; $usage" 64
for g in "${guests[@]}"; do
	[ -r "$g" ] || mc_die "guest script '$g' does not exist" 64
done
declare -A seen_ko=()
for m in "${modules[@]}"; do
	[ -r "$m" ] || mc_die "module '$m' does not exist (build it first: ci/build.sh $key DIR)" 64
	b=$(basename "$m")
	[ -z "${seen_ko[$b]:-}" ] || mc_die "two modules named $b ($m and ${seen_ko[$b]}): give one of them another name (e.g. a build variant with its own module name)" 64
	seen_ko[$b]=$m
done
[ -s "$K_DIR/boot/vmlinuz" ] || mc_die "kernel $K_KEY is not fetched: run 'bash ci/fetch.sh $K_KEY'" 1
mc_need qemu-system-x86_64 qemu-system-x86
mc_need cpio cpio
name=${name:-${gnames[0]}}
out=$MC_BUILD/$K_KEY/vm-$name
rm -rf "$out"
mkdir -p "$out"

# ------------------------------------------------------------ initramfs
make_initramfs()
{
	local r=$out/initramfs m
	mkdir -p "$r"/{bin,sbin,etc,proc,sys,dev,tmp,modules,lib/movcompat}
	cp /bin/busybox "$r/bin/busybox"
	cp "$MC_CI/guest/init" "$r/init"
	cp "$MC_CI/guest/guest-lib.sh" "$r/lib/movcompat/guest-lib.sh"
	mkdir -p "$r/tests"
	for i in "${!guests[@]}"; do
		cp "${guests[$i]}" "$r/tests/$(printf '%02d' "$i")-${gnames[$i]}.sh"
	done
	chmod 0755 "$r/init"
	# without their debug info (what INSTALL_MOD_STRIP=1 does): a tenth
	# of the size, and the guest unpacks and loads them under TCG; a signed
	# module is copied as it is (stripping would drop its signature)
	for m in "${modules[@]}"; do
		if tail -c 28 "$m" | grep -q 'Module signature appended'; then
			cp "$m" "$r/modules/"
		else
			strip --strip-debug -o "$r/modules/$(basename "$m")" "$m" 2>/dev/null ||
				cp "$m" "$r/modules/"
		fi
	done
	: >"$r/etc/movcompat.env"
	for e in "${envs[@]}"; do
		printf '%s=%q\n' "${e%%=*}" "${e#*=}" >>"$r/etc/movcompat.env"
	done
	# uncompressed: QEMU hands it over by DMA, and the guest does not
	# inflate it under TCG
	(cd "$r" && find . | cpio -o -H newc --quiet) >"$out/initrd.cpio"
}
make_initramfs

# ------------------------------------------------------------ one boot
# No KASLR by default: physical KASLR puts the kernel image (reserved pages)
# in a random memory block, possibly inside ZONE_MOVABLE, and that block can
# then never be offlined: memory-offlining tests would pass or fail by the
# luck of the boot. MOVCOMPAT_KASLR=1 keeps the kernel's default.
# The kernel: its uncompressed ELF image at the PVH entry when ci/fetch.sh
# found one (the same kernel, started without the bzImage's real-mode setup
# and in-guest decompression), else the bzImage; MOVCOMPAT_BOOT=bzimage
# boots the bzImage. No NIC and no VGA: the firmware then skips their
# option ROMs, and the console is the serial line anyway.
kernel=$K_DIR/boot/vmlinuz
[ "${MOVCOMPAT_BOOT:-pvh}" != bzimage ] && [ -s "$K_DIR/boot/vmlinux" ] && kernel=$K_DIR/boot/vmlinux
errre=$(grep -v '^#' "$MC_CI/console-errors.txt" | paste -sd'|')
benre=$(grep -v '^#' "$MC_CI/console-benign.txt" | paste -sd'|')
# the guest's own KTAP lines (after the host's "[KEY +SECONDS] " prefix),
# never taken for kernel errors; a failed check's line up to its reason
ktapline='(KTAP version [0-9]+|1\.\.[0-9]+|(ok|not ok) [0-9]+ |# )'
ktapre="^\\[[^]]*\\] *$ktapline"
ktaplive="^ *$ktapline"
failre='^.*\] +not ok [0-9]+ '
kaslr=nokaslr
[ "${MOVCOMPAT_KASLR:-0}" = 1 ] && kaslr=

# boot_once N: runs QEMU, streams the console to the terminal and to
# console.log with timestamps; sets B_TIMEOUT=1 when killed by the timeout,
# B_NO_INIT=1 when killed because /init had not started by its deadline.
boot_once()
{
	local try=$1 fifo=$out/console.fifo qpid wpid spid t0
	rm -f "$fifo"
	mkfifo "$fifo"
	t0=${EPOCHREALTIME//[!0-9]/}
	rm -f "$out/expected-error" "$out/expected-error-end" "$out/init-started" "$out/no-init"
	(
		# timestamps in shell arithmetic (microseconds): a process per
		# console line would take CPU from the guest
		while IFS= read -r line; do
			line=${line//$'\r'/}
			d=$((${EPOCHREALTIME//[!0-9]/} - t0))
			printf -v ts '%4d.%02d' $((d / 1000000)) $((d % 1000000 / 10000))
			printf '[%s +%ss] %s\n' "$K_KEY" "$ts" "$line" >>"$out/console.log"
			[ "${MOVCOMPAT_QUIET:-0}" = 1 ] || printf '  [%s +%ss] %s\n' "$K_KEY" "$ts" "$line" >&2
			[[ $line != *MOVCOMPAT-INIT* ]] || touch "$out/init-started"
			# a boot that must hit a kernel error can stop soon after it:
			# at the end of its trace
			if [ $expect_err = 1 ]; then
				if [[ $line =~ $errre ]] && [[ ! $line =~ command\ line: ]] && [[ ! $line =~ $ktaplive ]] &&
				   [[ ! $line =~ $benre ]]; then
					touch "$out/expected-error"
				elif [[ $line == *'---[ end trace'* ]] && [ -e "$out/expected-error" ]; then
					touch "$out/expected-error-end"
				fi
			fi
		done < <(sed -u -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1bc//g' "$fifo")
	) &
	spid=$!
	echo "=== boot $try of $K_KEY ($K_REL, $(basename "$kernel")) ===" >>"$out/console.log"
	# shellcheck disable=SC2086 # MOVCOMPAT_QEMU_ARGS is a word list
	qemu-system-x86_64 -accel "${MOVCOMPAT_ACCEL:-tcg}" -smp "${MOVCOMPAT_SMP:-2}" -m "$mem" -nographic -no-reboot \
		${MOVCOMPAT_QEMU_ARGS:-} \
		-vga none -nic none \
		-kernel "$kernel" -initrd "$out/initrd.cpio" \
		-append "console=ttyS0 panic=-1 loglevel=5 $kaslr $K_BOOT_ARGS ${MOVCOMPAT_BOOT_ARGS:-} $append" \
		</dev/null >"$fifo" 2>&1 &
	qpid=$!
	# the watcher's sleep must not outlive the guest: it would hold our
	# stdout open, and anything reading vm.sh through a pipe would wait
	(
		if [ $expect_err = 1 ]; then
			# poll: stop once the expected error's trace has ended
			# ("---[ end trace"), at most 3 s after the error, or at
			# the timeout
			end=$((SECONDS + timeout))
			while [ $SECONDS -lt $end ] && [ ! -e "$out/expected-error" ]; do
				sleep 0.2
			done
			if [ -e "$out/expected-error" ]; then
				n=0
				while [ $n -lt 15 ] && [ ! -e "$out/expected-error-end" ]; do
					sleep 0.2
					n=$((n + 1))
				done
				sleep 0.3
				kill "$qpid" 2>/dev/null
				exit 0
			fi
		else
			trap 'kill $s 2>/dev/null; exit 0' TERM
			left=$timeout
			# a guest that hangs in early boot (seen on 7.x under
			# TCG: silent after the PCI probe) is killed at the /init
			# deadline and retried, not left to the whole timeout
			if [ "$init_deadline" -lt "$timeout" ]; then
				sleep "$init_deadline" &
				s=$!
				wait $s
				left=$((timeout - init_deadline))
				if [ ! -e "$out/init-started" ] && kill -0 "$qpid" 2>/dev/null; then
					trap '' TERM
					touch "$out/no-init"
					kill "$qpid" 2>/dev/null
					exit 0
				fi
			fi
			sleep "$left" &
			s=$!
			wait $s
		fi
		# mark first, then kill: once QEMU dies the main shell stops
		# this watcher, which could otherwise die before the mark (a
		# timed-out guest was then reported as "no result line")
		trap '' TERM
		if kill -0 "$qpid" 2>/dev/null; then
			touch "$out/timed-out"
			kill "$qpid" 2>/dev/null
		fi
	) &
	wpid=$!
	wait "$qpid" 2>/dev/null
	kill "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	wait "$spid"
	rm -f "$fifo"
	B_TIMEOUT=0 B_NO_INIT=0
	[ -e "$out/timed-out" ] && B_TIMEOUT=1
	[ -e "$out/no-init" ] && B_NO_INIT=1
	rm -f "$out/timed-out" "$out/no-init" "$out/init-started"
}

# the lines of the last boot only
last_boot() { awk '/^=== boot /{ buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$out/console.log"; }

# the kernel's lines of the last boot that may count as errors: not the
# command line's echo, the harness's own lines (the guest's KTAP) or the
# benign reports
kernel_lines()
{
	grep -v -i -e 'command line:' -e '=== boot ' "$out/last.log" | grep -v -E -- "$ktapre" |
		if [ -n "$benre" ]; then grep -v -E -- "$benre"; else cat; fi
}
# the first of them that is a kernel error (ci/console-errors.txt)
first_kernel_error() { kernel_lines | grep -E -m1 -- "$errre"; }

# tcg_flake: the last boot's first kernel error is a breakpoint trap
# (int3) in a kernel that no test module had tainted yet: QEMU TCG
# running a stale translation of code the kernel was patching (docs/
# harness.md), seen on 7.x before and after /init. Nothing of movcompat
# had run in that kernel; any other error, or one after a test module
# was loaded (taint O), is the test's.
tcg_flake()
{
	local e
	e=$(first_kernel_error)
	[[ "$e" =~ (Oops:\ )?int3:\ [0-9a-f]{4}\ \[#[0-9]+\] ]] || return 1
	grep -F -A 4 -- "$e" "$out/last.log" | grep -E -m1 'CPU: [0-9]+ .*(Not tainted|Tainted: )' |
		grep -q 'Not tainted' || return 1
	flake=${e#*] }
}

t=$(mc_now)
: >"$out/console.log"
try=1
while :; do
	boot_once "$try"
	last_boot >"$out/last.log"
	if grep -q 'MOVCOMPAT-INIT' "$out/last.log"; then
		[ $expect_err = 0 ] && [ "$try" -lt "$retries" ] && tcg_flake || break
		mc_log "$K_KEY" boot "RETRY $try of $retries: kernel error before any test module was loaded (not tainted), the emulator's known flake: $flake"
		try=$((try + 1))
		continue
	fi
	# no /init within a timeout shorter than the /init deadline is a
	# timeout, not an early death to retry
	[ "$B_TIMEOUT" = 1 ] && break
	why="kernel died before /init"
	[ "$B_NO_INIT" = 1 ] && why="no /init after ${init_deadline}s (early-boot hang)"
	if [ "$try" -ge "$retries" ]; then
		mc_log "$K_KEY" boot "FAIL: $why on all $try tries; see $out/console.log"
		status=EARLY_DEATH rc=4
		break
	fi
	mc_log "$K_KEY" boot "RETRY $try of $retries: $why (last line: $(grep -v 'qemu-system-x86_64: terminating' "$out/last.log" | tail -n 1 | cut -c1-100))"
	try=$((try + 1))
done
secs=$(mc_since "$t")

errline=$(first_kernel_error)
result=$(grep -o 'MOVCOMPAT-RESULT pass=[0-9]* fail=[0-9]* skip=[0-9]*' "$out/last.log" | tail -n 1)
npass=$(sed -n 's/.*pass=\([0-9]*\).*/\1/p' <<<"$result")
nfail=$(sed -n 's/.*fail=\([0-9]*\).*/\1/p' <<<"$result")
nskip=$(sed -n 's/.*skip=\([0-9]*\).*/\1/p' <<<"$result")

if [ "${status:-}" != EARLY_DEATH ]; then
	if [ -n "$errline" ]; then
		status=CONSOLE_ERROR rc=2 reason="kernel error on console: ${errline#*] }"
	elif [ "$B_TIMEOUT" = 1 ]; then
		status=TIMEOUT rc=3 reason="QEMU timeout: guest did not finish within ${timeout}s"
	elif [ -z "$result" ]; then
		status=FAIL rc=1 reason="guest ended without a result line"
	elif [ "$nfail" != 0 ] || [ "$npass" = 0 ]; then
		status=FAIL rc=1 reason="guest checks: $npass passed, $nfail failed: $(grep -m1 -E "$failre" "$out/last.log" | sed -E "s/$failre//; s/ # /: /")"
	else
		status=PASS rc=0 reason="guest checks: $npass passed${nskip:+, $nskip skipped}"
		[ "$nskip" != 0 ] || reason="guest checks: $npass passed"
	fi
else
	reason="$why on all $try boots"
fi

# per-test results: the KTAP result lines of subtest t, from its "# Subtest:
# t" line to its own result line ("ok|not ok N t")
errtest=
if [ -n "$errline" ]; then
	errtest=$(awk -v e="$errline" '
		/\] +# Subtest: / { t = $NF }
		index($0, e) { print t; exit }' "$out/last.log")
fi
: >"$out/tests.tsv"
for t in "${gnames[@]}"; do
	sect=$(awk -v t="$t" '
		$0 ~ ("\\] +# Subtest: " t "$") { on = 1; next }
		on && $0 ~ ("\\] (ok|not ok) [0-9]+ " t "( #|$)") { on = 0; done = 1 }
		on && /\] +(ok|not ok) [0-9]+ / { print }
		END { if (done) print "KTAP-ENDED" }' "$out/last.log")
	tp=$(grep -E '\] +ok [0-9]+ ' <<<"$sect" | grep -c -v ' # SKIP')
	tf=$(grep -c -E '\] +not ok [0-9]+ ' <<<"$sect")
	tsk=$(grep -E '\] +ok [0-9]+ ' <<<"$sect" | grep -c ' # SKIP')
	if [ "${status}" = EARLY_DEATH ]; then
		ts=FAIL tr=$reason
	elif [ -n "$errline" ] && [ $expect_err = 0 ]; then
		ts=FAIL
		if [ "$t" = "$errtest" ]; then tr="kernel error on console: ${errline#*] }"
		else tr="same boot as ${errtest:-another test}, which hit a kernel error"; fi
	elif ! grep -q KTAP-ENDED <<<"$sect"; then
		ts=FAIL tr="did not finish (${status}: $reason)"
	elif [ "$tf" != 0 ] || { [ "$tp" = 0 ] && [ "$tsk" = 0 ]; }; then
		ts=FAIL tr="guest checks: $tp passed, $tf failed: $(grep -m1 -E "$failre" <<<"$sect" | sed -E "s/$failre//; s/ # /: /")"
	elif [ "$tp" = 0 ]; then
		ts=SKIP tr="every check skipped: $(grep -m1 ' # SKIP' <<<"$sect" | sed 's/.* # SKIP //')"
	else
		ts=PASS tr="guest checks: $tp passed"
		[ "$tsk" = 0 ] || tr="$tr, $tsk skipped"
	fi
	[ $expect_err = 1 ] && ts=- tr="see the boot's status"
	printf '%s\t%s\t%s\t%s\t%s\n' "$t" "$ts" "$tp" "$tf" "$tr" >>"$out/tests.tsv"
done

if [ $expect_err = 1 ]; then
	# a guest may name the pattern that must fire (a diagnostic line "#
	# expect-error: PATTERN", a line of console-errors.txt): any other
	# error is a failure
	want=$(sed -n 's/.*\] *# expect-error: //p' "$out/last.log" | head -n 1)
	hit=$errline
	[ -z "$want" ] || hit=$(kernel_lines | grep -E -- "$want" | head -n 1)
	if [ -n "$want" ] && ! grep -v '^#' "$MC_CI/console-errors.txt" | grep -qxF -- "$want"; then
		reason="the guest expects the pattern '$want', which is not a line of ci/console-errors.txt"
		status=FAIL rc=1
	elif [ "$status" = CONSOLE_ERROR ] && [ -n "$hit" ]; then
		reason="detector fired as expected${want:+ (pattern '$want')}: ${hit#*] }"
		status=PASS rc=0
	elif [ "$status" = CONSOLE_ERROR ]; then
		reason="a kernel error appeared, but not the expected pattern '$want': ${errline#*] }"
		status=FAIL rc=1
	else
		reason="detector did NOT fire (status $status): a kernel warning would go unnoticed"
		status=FAIL rc=1
	fi
fi

{
	echo "status=$status"
	printf 'reason=%q\n' "$reason"
	echo "boots=$try"
	echo "seconds=$secs"
	echo "checks_passed=${npass:-0}"
	echo "checks_failed=${nfail:-0}"
} >"$out/result.env"
grep -E '\] +# info: ' "$out/last.log" | sed -E 's/.*\] +# info: /info: /' >"$out/info.txt"
mc_log "$K_KEY" boot "$name: $status in ${secs}s, $try boot(s): $reason"
exit $rc
