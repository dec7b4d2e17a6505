# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the fuzz lane (needs --mem 2048, movablecore=1G): every
# surface a user or a script can poke, with bad input, at random and at
# the same time. No crash and no kernel warning (the host scans the
# console), and bad input refused with a message naming the problem.
#   params  movram's module parameters: zero, negative, garbage, values
#           that overflow 64 bits or RAM; each refused with a log line
#           naming the parameter; good odd values load.
#   knobs   every debugfs file and module parameter of movram, mc_pool and
#           their movcompat domains, written with garbage, huge numbers,
#           long and binary strings: syntax errors refused, never a hang;
#           then as user nobody (debugfs opened to others): no knob
#           writable, no root-only file readable; then writers racing
#           on every knob. mc_pool's pages intact afterwards.
#   io      random reads, writes (direct, buffered, byte-granular) and
#           discards on /dev/movram0 at random offsets and sizes, past
#           the end too, and flushes, while memory is compacted: the disk
#           must equal a model file kept beside it, and I/O past the end
#           must fail.
#   races   load, use (open, I/O, debugfs, compaction) and rmmod at random
#           moments: rmmod refused while in use, then always possible;
#           nothing leaked at the end.
# MC_FUZZ_S: seconds of each timed phase (default 15). MC_FUZZ_SEED: the
# seed (printed; set it to replay a run). MC_FUZZ_MUTANTS=RULE:MODULE,...:
# deliberately broken movram builds; rule size runs the params phase, rule
# discard the io phase, and each must fail a check.
M=movram
P=mc_pool
DEV=/dev/movram0
D=/sys/kernel/debug/movram
PD=/sys/kernel/debug/mc_pool
S=${MC_FUZZ_S:-15}
SEED=${MC_FUZZ_SEED:-$(date +%s)}
R=$SEED
t_info "fuzz seed $SEED (MC_FUZZ_SEED=$SEED replays it), $S s per timed phase"

# rnd N: RN = a random number in 0..N-1 from the seeded stream (a 64-bit
# LCG; no subshell, so the stream goes on)
rnd()
{
	R=$((R * 6364136223846793005 + 1442695040888963407))
	RN=$((((R >> 33) & 0x7fffffff) % $1))
}

# log_since N: the kernel log after its first N lines
log_since() { dmesg | tail -n +$(($1 + 1)); }

# ------------------------------------------------------------ params
phase_params() # MODULE
{
	m=$1
	# refused: PARAMS|NAME (NAME: what the log must mention)
	for c in 'size=0|size' 'size=-1|size' 'size=abc|size' 'size=64Q|size' \
		'size=64kQ|size' 'size=|size' 'size|size' 'size="1M junk"|size' \
		'size=18446744073709555712|size' 'size=18014398509481988K|size' \
		'size=99999999999999999999999999999999|size' 'size=4T|size' \
		'size=0x|size' 'count=0|count' 'count=17|count' 'count=-1|count' \
		'count=abc|count' 'count=4294967297|count' 'carrier=maybe|carrier' \
		'carrier=2|carrier' 'count=16 size=200M|count'; do
		prm=${c%|*} name=${c#*|}
		n0=$(dmesg | wc -l)
		# shellcheck disable=SC2086 # the parameters are words
		if insmod /modules/$m.ko $prm 2>/dev/null; then
			rmmod "$m"
			t_chk "fuzz-param-refused[$prm]" 1 "insmod $m $prm loaded"
		else
			log=$(log_since "$n0" | grep -F "$name" | head -n 1)
			t_chk "fuzz-param-refused[$prm]" "$([ -n "$log" ]; echo $?)" \
				"refused, but no log line names '$name': $(log_since "$n0" | tail -n 2 | tr '\n' '|')"
		fi
	done
	[ -n "${T_MUTANT:-}" ] && return
	# accepted: PARAMS|the disk size stats must show
	for c in 'size=4095|4096' 'size=1|4096' 'size=0x10000|65536' 'size=1m|1048576' \
		'size=64K count=16|65536' 'size=1M carrier=1|1048576' 'size=1M bogus=1|1048576'; do
		prm=${c%|*}
		# shellcheck disable=SC2086
		if insmod /modules/$m.ko $prm; then
			got=$(awk '$1 == "size" { print $2 }' $D/stats)
			rmmod "$m"
			t_chk "fuzz-param-accepted[$prm]" "$([ "$got" = "${c#*|}" ]; echo $?)" \
				"size $got, not ${c#*|}"
		else
			t_chk "fuzz-param-accepted[$prm]" 1 "insmod $m $prm refused"
		fi
	done
}

# ------------------------------------------------------------ knobs
# values written to every knob, one per line (the empty line too)
cat >/tmp/fuzz-values <<'EOF'

0
1
-1
7
4096
0x10
2147483647
18446744073709551615
18446744073709551616
99999999999999999999999
abc
1 2
1 2 3
0 18446744073709551615
18446744073709551615 1
1 18446744073709551615
-5 -5
 5
5x
%s%n%s
EOF
head -c 4096 /dev/zero | tr '\0' A >/tmp/fuzz-long
head -c 100000 /dev/zero | tr '\0' 9 >/tmp/fuzz-huge
head -c 64 /dev/urandom >/tmp/fuzz-binary

# knob_syntax KNOB VALUE: 0 when the knob must accept VALUE's syntax (it
# may still refuse the value: too large, busy); 1 when it must refuse it
knob_syntax()
{
	case ${1##*/} in
	fill) echo "$2" | grep -qxE '0|[1-9][0-9]{0,4}|0x[0-9a-f]{1,4}' ;;
	evacuate) echo "$2" | grep -qxE '[0-9]+ [0-9]+' ;;
	compact) true ;;
	*) false ;;	# read-only: every write refused
	esac
}

# knob_write KNOB FILE: write FILE's bytes to KNOB within the phase's
# bound; prints 0 (taken), 1 (refused) or 124 (hung: killed)
knob_write()
{
	_rc=0
	timeout "$(t_secs 60)" sh -c "cat $2 >$1" 2>/dev/null || _rc=$?
	[ "$_rc" = 124 ] || [ "$_rc" = 143 ] && _rc=124
	[ "$_rc" = 0 ] || [ "$_rc" = 124 ] || _rc=1
	echo $_rc
}

knobs()
{
	find $D $PD /sys/kernel/debug/movcompat-* /sys/module/$M/parameters \
		/sys/module/$P/parameters -type f 2>/dev/null
}

phase_knobs()
{
	t_load $M size=16M
	t_load $P
	echo 256 >$PD/fill
	nk=0 nw=0 hung=0 wrong=
	for k in $(knobs); do
		nk=$((nk + 1))
		while IFS= read -r v; do
			printf '%s' "$v" >/tmp/fuzz-value
			rc=$(knob_write "$k" /tmp/fuzz-value)
			nw=$((nw + 1))
			[ "$rc" = 124 ] && { hung=$((hung + 1)); wrong="$wrong $k<-'$v'(hung)"; continue; }
			# (an empty write never reaches the knob's handler)
			if [ -n "$v" ] && ! knob_syntax "$k" "$v" && [ "$rc" = 0 ]; then
				wrong="$wrong $k<-'$v'(taken)"
			fi
		done </tmp/fuzz-values
		for f in /tmp/fuzz-long /tmp/fuzz-huge /tmp/fuzz-binary; do
			rc=$(knob_write "$k" $f)
			nw=$((nw + 1))
			[ "$rc" = 1 ] || case ${k##*/} in compact) ;; *) wrong="$wrong $k<-${f#/tmp/}(rc $rc)" ;; esac
		done
		cat "$k" >/dev/null 2>&1
	done
	t_info "knobs: $nk knobs, $nw writes"
	t_chk fuzz-knobs-found "$([ "$nk" -ge 5 ]; echo $?)" "only $nk knobs: $(knobs | tr '\n' ' ')"
	t_chk fuzz-knobs-no-hang "$([ "$hung" = 0 ]; echo $?)" "$hung writes hung:$wrong"
	t_chk fuzz-knobs-bad-refused "$([ -z "$wrong" ]; echo $?)" "wrong:$wrong"
	# the control: good values are taken
	echo 7 >$PD/fill && echo 0x10 >$PD/fill && [ "$(awk '$1 == "pages" { print $2 }' $PD/stats)" = 16 ]
	t_chk fuzz-knobs-good-taken $? "fill 7, fill 0x10: mc_pool holds $(awk '$1 == "pages" { print $2 }' $PD/stats) pages"

	# as user nobody, with debugfs itself opened to others (its files'
	# own modes then decide)
	grep -q '^nobody:' /etc/passwd 2>/dev/null ||
		echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
	mount -o remount,mode=0755 /sys/kernel/debug
	open=
	for k in $(knobs); do
		mode=$(stat -c %a "$k")
		[ $((0$mode & 022)) = 0 ] || open="$open $k(mode $mode)"
		su nobody -s /bin/sh -c "echo 1 >$k" 2>/dev/null && open="$open $k(written)"
		if [ $((0$mode & 04)) = 0 ] && su nobody -s /bin/sh -c "cat $k" >/dev/null 2>&1; then
			open="$open $k(read)"
		fi
	done
	# the control: user nobody can read what is open to all
	me=$(su nobody -s /bin/sh -c "id -u; cat $D/stats >/dev/null && echo read" 2>&1 | tr '\n' ' ')
	mount -o remount,mode=0700 /sys/kernel/debug
	t_chk fuzz-knobs-nobody-control "$([ "$me" = "65534 read " ]; echo $?)" \
		"as user nobody, id -u and reading $D/stats gave '$me'"
	t_chk fuzz-knobs-root-only "$([ -z "$open" ]; echo $?)" "open to user nobody:$open"

	# writers racing on every knob, readers beside them
	end=$(($(date +%s) + S))
	for w in 1 2 3 4; do
		(
			R=$((SEED + w))
			while [ "$(date +%s)" -lt $end ]; do
				rnd 5
				case $RN in
				0) rnd 1024; echo $RN >$PD/fill ;;
				1) pfn=$(head -n 1 $PD/pfns); rnd 4096
				   echo "$pfn $RN" >/sys/kernel/debug/movcompat-$P/evacuate ;;
				2) echo 1 >/sys/kernel/debug/movcompat-$P/compact; echo 1 >/proc/sys/vm/compact_memory ;;
				3) cat $PD/verify $PD/stats $D/stats >/dev/null ;;
				4) for k in $(knobs); do echo garbage >"$k"; done ;;
				esac 2>/dev/null
			done
		) &
	done
	wait
	echo 256 >$PD/fill
	t_check fuzz-knobs-race-intact grep -qx 'pages 256 bad 0' $PD/verify
	t_unload $P
	t_unload $M
}

# ------------------------------------------------------------ io
# write_both START N: sectors START.. of the data file to the disk
# (direct) and the model
write_both()
{
	[ "$2" -gt 0 ] || return 0
	rnd $((sectors - 256))
	dd if=/tmp/fuzz-data of=$DEV bs=512 skip=$RN seek=$1 count=$2 oflag=direct conv=notrunc 2>/dev/null ||
		wrong="$wrong rewrite@$1+$2"
	dd if=/tmp/fuzz-data of=/tmp/fuzz-model bs=512 skip=$RN seek=$1 count=$2 conv=notrunc 2>/dev/null
}

# discarded START N: the model after a discard of sectors START..: movram
# frees the whole pages inside (they read zeros) and keeps the rest of the
# pages at the edges. The discarded sectors of those edge pages are
# undefined (the page cache may have zeroed them): both sides get new
# data there, so what is compared is the data around them, which must
# have survived.
discarded()
{
	_first=$((($1 + 7) / 8)) _last=$((($1 + $2) / 8))
	[ $_last -gt $_first ] && dd if=/dev/zero of=/tmp/fuzz-model bs=4096 seek=$_first \
		count=$((_last - _first)) conv=notrunc 2>/dev/null
	_he=$(($1 + $2 < _first * 8 ? $1 + $2 : _first * 8))
	write_both $1 $((_he - $1))
	_ts=$((_last * 8 > _he ? _last * 8 : _he))
	write_both $_ts $(($1 + $2 - _ts))
}

phase_io() # MODULE
{
	m=$1
	mb=16
	size=$((mb * 1048576))
	sectors=$((size / 512))
	if ! insmod /modules/$m.ko size=${mb}M; then
		t_chk fuzz-io-load 1 "insmod $m failed"
		return
	fi
	# the disk starts full of data: every discard's edge pages hold some
	dd if=/dev/urandom of=/tmp/fuzz-data bs=1M count=$mb 2>/dev/null
	dd if=/tmp/fuzz-data of=$DEV bs=1M oflag=direct 2>/dev/null
	cp /tmp/fuzz-data /tmp/fuzz-model
	(
		while [ ! -e /tmp/fuzz-io-stop ]; do
			echo 1 >/proc/sys/vm/compact_memory
			[ -w /sys/kernel/debug/movcompat-movram/compact ] &&
				echo 1 >/sys/kernel/debug/movcompat-movram/compact
			sleep 1
		done 2>/dev/null
	) &
	end=$(($(date +%s) + S))
	ops=0 wrong="" mismatch=""
	while [ "$(date +%s)" -lt $end ] && [ -z "$mismatch" ]; do
		rnd 100
		op=$RN
		# a start sector, a tenth of them at the end or past it
		rnd 10
		if [ $RN = 0 ]; then rnd 64; s=$((sectors - 32 + RN)); else rnd $sectors; s=$RN; fi
		rnd 256
		n=$((RN + 1))
		inside=$([ $((s + n)) -le $sectors ]; echo $?)	# 0: wholly inside
		rnd $((sectors - 256))
		src=$RN
		if [ $op -lt 30 ]; then		# direct write, sectors
			dd if=/tmp/fuzz-data of=$DEV bs=512 skip=$src seek=$s count=$n oflag=direct conv=notrunc 2>/dev/null
			rc=$?
			[ $s -lt $sectors ] && dd if=/tmp/fuzz-data of=/tmp/fuzz-model bs=512 skip=$src seek=$s \
				count=$(((s + n > sectors ? sectors : s + n) - s)) conv=notrunc 2>/dev/null
			[ $((rc == 0)) = $((inside == 0)) ] || wrong="$wrong write@$s+$n(rc $rc)"
		elif [ $op -lt 50 ]; then	# buffered write, bytes
			rnd 512
			b=$((s * 512 + RN))
			rnd 3000
			nb=$((RN + 1))
			[ $((b + nb)) -gt $size ] && nb=$((size > b ? size - b : 1))
			dd if=/tmp/fuzz-data of=$DEV bs=$nb skip=$((src * 512)) seek=$b count=1 \
				iflag=skip_bytes oflag=seek_bytes conv=notrunc 2>/dev/null
			rc=$?
			if [ $b -lt $size ]; then
				dd if=/tmp/fuzz-data of=/tmp/fuzz-model bs=$nb skip=$((src * 512)) seek=$b count=1 \
					iflag=skip_bytes oflag=seek_bytes conv=notrunc 2>/dev/null
				[ "$rc" = 0 ] || wrong="$wrong bwrite@$b+$nb(rc $rc)"
			else
				[ "$rc" != 0 ] || wrong="$wrong bwrite-past-end@$b"
			fi
		elif [ $op -lt 75 ]; then	# read, direct or buffered: as the model reads
			flag=iflag=direct
			[ $((op % 2)) = 0 ] && flag=
			got=$(dd if=$DEV bs=512 skip=$s count=$n $flag 2>/dev/null | sha256sum)
			want=$(dd if=/tmp/fuzz-model bs=512 skip=$s count=$n 2>/dev/null | sha256sum)
			[ "$got" = "$want" ] || mismatch="read@$s+$n ($flag)"
		elif [ $op -lt 90 ]; then	# discard
			blockdev --flushbufs $DEV	# no dirty page to hide a loss
			blkdiscard -o $((s * 512)) -l $((n * 512)) $DEV 2>/dev/null
			rc=$?
			if [ "$inside" = 0 ]; then
				[ "$rc" = 0 ] || wrong="$wrong discard@$s+$n(rc $rc)"
				discarded $s $n
			else
				[ "$rc" != 0 ] || wrong="$wrong discard-past-end@$s+$n"
			fi
		elif [ $op -lt 95 ]; then
			blockdev --flushbufs $DEV
		else
			sync
		fi
		ops=$((ops + 1))
	done
	touch /tmp/fuzz-io-stop
	wait
	rm -f /tmp/fuzz-io-stop
	blockdev --flushbufs $DEV
	[ -z "$mismatch" ] && ! dd if=$DEV bs=1M iflag=direct 2>/dev/null | cmp -s - /tmp/fuzz-model &&
		mismatch="whole disk: $(dd if=$DEV bs=1M iflag=direct 2>/dev/null | cmp - /tmp/fuzz-model 2>&1 | head -n 1)"
	[ -n "${T_MUTANT:-}" ] || t_info "io: $ops operations, $(awk '$1 == "migrated" { print $2 }' $D/stats) pages migrated meanwhile"
	t_chk fuzz-io-model "$([ -z "$mismatch" ]; echo $?)" "the disk differs from the model after $ops operations: $mismatch (seed $SEED)"
	t_chk fuzz-io-outcomes "$([ -z "$wrong" ]; echo $?)" "wrong outcomes:$wrong"
	rmmod "$m" || t_chk fuzz-io-unload 1 "rmmod $m failed"
}

# ------------------------------------------------------------ races
phase_races()
{
	t_leak_mark
	end=$(($(date +%s) + S))
	cycles=0 early=0 busy=0 bad=
	while [ "$(date +%s)" -lt $end ]; do
		insmod /modules/$M.ko size=4M || { bad="$bad insmod-$M"; break; }
		insmod /modules/$P.ko || { bad="$bad insmod-$P"; break; }
		( dd if=/dev/urandom of=$DEV bs=64k count=32 oflag=direct; dd if=$DEV of=/dev/null bs=64k ) 2>/dev/null &
		( exec 3<$DEV; rnd 300; usleep $((RN * 1000)) ) 2>/dev/null &
		( cat $D/pfns $D/stats $PD/verify; echo 512 >$PD/fill ) >/dev/null 2>&1 &
		( for c in /sys/kernel/debug/movcompat-*/compact; do echo 1 >"$c"; done ) 2>/dev/null &
		rnd 300
		usleep $((RN * 1000))
		for mod in $M $P; do
			if rmmod $mod 2>/dev/null; then early=$((early + 1)); else busy=$((busy + 1)); fi
		done
		wait
		for mod in $M $P; do
			grep -q "^$mod " /proc/modules || continue
			rmmod $mod || bad="$bad rmmod-$mod-after-use"
		done
		cycles=$((cycles + 1))
	done
	t_info "races: $cycles cycles, $early unloads while in use or just after, $busy refused as busy"
	t_chk fuzz-races-unload "$([ -z "$bad" ]; echo $?)" "failed:$bad"
	t_leak_check fuzz-races-no-leak "after $cycles cycles"
}

fuzz_mutant() # MODULE
{
	case $T_MUTANT in
	size) phase_params "$1" ;;
	discard) phase_io "$1" ;;
	esac
}

phase_params $M
phase_knobs
phase_io $M
phase_races
t_mutants "${MC_FUZZ_MUTANTS:-}" fuzz_mutant
