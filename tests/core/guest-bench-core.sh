# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Guest side of the core benchmark (ci/bench-core.sh; --mem 2048,
# movablecore=1G, one vCPU): the same driver (mc_pages) once on the
# kernel's own migration (native backend) and once on movcompat's core
# (mc_pages_core, MOVCOMPAT_BACKEND=core), alternating in ABBA order. Each
# run offlines up to three memory blocks holding the module's pages (the
# kernel migrates them, or the core's notifier does); the core's runs then
# also evacuate up to three blocks holding its pages through the core's
# debugfs "evacuate" (movcompat_domain_evacuate(): the core's migration
# alone, without the kernel's offlining around it); every run then copies
# every page once into a fresh page (copybench: the copy-bandwidth limit).
# One line per run (ev_* are 0 on the native backend; ev_rejected: the
# destinations the evacuation's allocations found inside its range):
#   # info: BENCH variant=V run=R pages=P us=T ev_pages=E ev_us=U ev_rejected=J copy_pages=C copy_ns=N
# Run 0 of each variant is a warm-up.
RUNS=${MC_BENCH_RUNS:-3}
MEM=/sys/devices/system/memory
stat() { awk -v k="$1" '$1 == k { print $2 }' "/sys/kernel/debug/$2/stats"; }

N=$(awk '/^Node .* zone/ { z = $4 } z == "Movable" && $1 == "pages" && $2 == "free" { print int($3 * 0.9); exit }' /proc/zoneinfo)
[ -n "$N" ] && [ "$N" -gt 0 ] || { t_fail bench-npages "no ZONE_MOVABLE (movablecore= missing?)"; N=1; }

# bench_evacuate NAME MODULE: on the core backend, evacuate the three
# blocks holding most of the module's pages; sets ev_pages, ev_us and
# ev_rejected
bench_evacuate()
{
	ev_pages=0 ev_us=0 ev_rejected=0
	e=/sys/kernel/debug/movcompat-$2/evacuate
	[ -w "$e" ] || return 0
	j0=$(stat dst_rejected "movcompat-$2")
	ppb=$(t_block_pages) n=0
	for b in $(t_blocks_most_first "/sys/kernel/debug/$2/pfns"); do
		m0=$(stat migrated "$2")
		t0=$(t_now_us)
		echo "$((b * ppb)) $ppb" >"$e" || t_fail "$1-evacuate" "$2: evacuating memory$b refused"
		ev_us=$((ev_us + $(t_now_us) - t0))
		ev_pages=$((ev_pages + $(stat migrated "$2") - m0))
		n=$((n + 1))
		[ $n -ge 3 ] && break
	done
	ev_rejected=$(($(stat dst_rejected "movcompat-$2") - j0))
	[ $ev_pages -gt 0 ] && t_pass "$1-evacuate" || t_fail "$1-evacuate" "$2: no page moved by evacuating $n blocks"
}

bench_run() # VARIANT MODULE RUN
{
	v=$1 m=$2 r=$3 pages=0 us=0 done=0 tried=0
	t_load "$m" npages="$N" fragment=0
	[ -d "/sys/kernel/debug/$m" ] || return 0
	for b in $(t_blocks_most_first "/sys/kernel/debug/$m/pfns"); do
		f=$MEM/memory$b/state
		[ -w "$f" ] && [ "$(cat "$f")" = online ] || continue
		tried=$((tried + 1))
		zone=$(t_zone $b)
		m0=$(stat migrated "$m")
		t0=$(t_now_us)
		if echo offline >"$f" 2>/dev/null; then
			us=$((us + $(t_now_us) - t0))
			pages=$((pages + $(stat migrated "$m") - m0))
			done=$((done + 1))
			t_online_again $b "$zone"
		fi
		[ $done -ge 3 ] || [ $tried -ge 8 ] && break
	done
	[ $pages -gt 0 ] && t_pass "$v-$r-offline" || t_fail "$v-$r-offline" "$m: no page moved ($done of $tried blocks offlined)"
	bench_evacuate "$v-$r" "$m"
	c=$(cat "/sys/kernel/debug/$m/copybench")
	set -- $c
	v_ok=$(cat "/sys/kernel/debug/$m/verify")
	[ "$v_ok" = "checked $N bad 0" ] && t_pass "$v-$r-verify" || t_fail "$v-$r-verify" "$m: $v_ok"
	t_info "BENCH variant=$v backend=$(stat backend "$m") run=$r pages=$pages us=$us ev_pages=$ev_pages ev_us=$ev_us ev_rejected=$ev_rejected copy_pages=$2 copy_ns=$4"
	t_unload "$m"
}

# QEMU backs guest RAM lazily: touch most of it once before measuring
t_load mc_pages npages="$N" fragment=0
t_unload mc_pages
t_abba "$RUNS" bench_run "native mc_pages" "core mc_pages_core"
