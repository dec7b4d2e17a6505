# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the migration core's protocol tests: load mc_proto (core
# backend, fault injection) and report each of its tests; then load each
# deliberately broken build and check that the test of the broken rule
# fails there (a test that cannot fail proves nothing).
proto_results() # MODULE: print its result lines
{
	cat /sys/kernel/debug/$1/results 2>/dev/null
}

t_load mc_proto
proto_results mc_proto >/tmp/proto.res
[ -s /tmp/proto.res ] || t_fail proto-results "mc_proto wrote no results"
while read -r verdict name rest; do
	case $verdict in
	PASS) t_pass "core-$name" ;;
	FAIL) t_fail "core-$name" "$rest" ;;
	esac
done </tmp/proto.res
t_unload mc_proto

# rule broken -> the test that must catch it
for pair in released:release-while-isolated eagain:eagain-then-success \
	putback:permanent-error-putback tail:tail-page-refused \
	isolated:concurrent-isolate dst_fail:dst-alloc-fails; do
	rule=${pair%%:*}
	test=${pair#*:}
	m=mc_proto_brk_$rule
	if ! insmod /modules/$m.ko 2>/tmp/err; then
		t_fail "mutation-$rule-caught" "insmod $m failed: $(cat /tmp/err)"
		continue
	fi
	line=$(proto_results $m | grep " $test\(:\|$\)")
	case $line in
	FAIL*) t_pass "mutation-$rule-caught" "$test failed as it must: ${line#*: }" ;;
	PASS*) t_fail "mutation-$rule-caught" "$test passed against a core with rule '$rule' broken" ;;
	*) t_fail "mutation-$rule-caught" "$m reported no result for $test" ;;
	esac
	rmmod $m || t_fail "mutation-$rule-rmmod" "rmmod $m failed"
done
