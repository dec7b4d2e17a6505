/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault-injection and mutation points of movcompat's migration core (and
 * one in the aops backend).
 *
 * Release builds: every point compiles to a constant and disappears.
 *
 * MOVCOMPAT_FAULT_INJECTION (test builds, MOVCOMPAT_FAULTS=y in Kbuild):
 *   movcompat_fault_dst_alloc(&core->faults)  the next N destination
 *       allocations fail (debugfs fail_dst_alloc=N)
 *   movcompat_fault_delay(&core->faults)  a pass sleeps this many ms with
 *       its pages isolated (debugfs delay_isolated_ms), for unload tests
 *   movcompat_fault_migrate(&core->faults)  the balloon carrier: the next N
 *       migrations the kernel asks for sleep delay_isolated_ms and return
 *       -EAGAIN (debugfs fail_migrate=N), so the kernel holds carried pages
 *       isolated for a while: release-while-isolated and unload tests
 *   movcompat_fault_track(&core->faults)  the next N times
 *       movcompat_page_make_movable() needs memory to track a page, it gets
 *       none (-ENOMEM); debugfs fail_track=N, and the module parameter
 *       movcompat_fail_track=N sets it for every domain the module creates
 *       (its pages are made movable before debugfs exists)
 *   movcompat_fault_track_delay(&core->faults)  make_movable sleeps this
 *       many ms before it tracks a page (debugfs delay_track_ms): slow
 *       tracking, as under memory pressure, with the caller's page lock held
 *
 * MOVCOMPAT_BREAK_<RULE> (MOVCOMPAT_BREAK=rule in Kbuild, protocol tests
 * only): deliberately break one rule of the protocol, so that the test of
 * that rule can be seen failing. Never set in anything shipped.
 * (MOVCOMPAT_BREAK_CANCEL: the memory notifier keeps its going-offline
 * range after an offline that was refused or cancelled;
 * MOVCOMPAT_BREAK_PUTBACK also loses the aops backend's putback; both
 * caught by tests/compat/guest-faults.sh.)
 */
#ifndef _MOVCOMPAT_FAULT_H
#define _MOVCOMPAT_FAULT_H

#include <linux/atomic.h>
#include <linux/delay.h>

#define MOVCOMPAT_BROKEN(rule) IS_ENABLED(MOVCOMPAT_BREAK_##rule)

#ifdef MOVCOMPAT_FAULT_INJECTION
struct movcompat_faults {
	atomic_t fail_dst_alloc;
	atomic_t fail_migrate;
	atomic_t fail_track;
	u32 delay_isolated_ms;
	u32 delay_track_ms;
};

/* movcompat_fail_track=N (module parameter): fail_track of new domains */
extern int movcompat_fail_track_init;

static inline void movcompat_faults_init(struct movcompat_faults *f)
{
	atomic_set(&f->fail_track, READ_ONCE(movcompat_fail_track_init));
}

static inline bool movcompat_fault_hit(atomic_t *left)
{
	return atomic_add_unless(left, -1, 0);
}

static inline bool movcompat_fault_dst_alloc(struct movcompat_faults *f)
{
	return movcompat_fault_hit(&f->fail_dst_alloc);
}

static inline void movcompat_fault_sleep(u32 *delay_ms)
{
	u32 ms = READ_ONCE(*delay_ms);

	if (ms)
		msleep(ms);
}

static inline void movcompat_fault_delay(struct movcompat_faults *f)
{
	movcompat_fault_sleep(&f->delay_isolated_ms);
}

static inline bool movcompat_fault_migrate(struct movcompat_faults *f)
{
	if (!movcompat_fault_hit(&f->fail_migrate))
		return false;
	movcompat_fault_delay(f);
	return true;
}

static inline bool movcompat_fault_track(struct movcompat_faults *f)
{
	return movcompat_fault_hit(&f->fail_track);
}

static inline void movcompat_fault_track_delay(struct movcompat_faults *f)
{
	movcompat_fault_sleep(&f->delay_track_ms);
}
#else
struct movcompat_faults { };

static inline void movcompat_faults_init(struct movcompat_faults *f)
{
}

static inline bool movcompat_fault_track(struct movcompat_faults *f)
{
	return false;
}

static inline void movcompat_fault_track_delay(struct movcompat_faults *f)
{
}

static inline bool movcompat_fault_dst_alloc(struct movcompat_faults *f)
{
	return false;
}

static inline void movcompat_fault_delay(struct movcompat_faults *f)
{
}

static inline bool movcompat_fault_migrate(struct movcompat_faults *f)
{
	return false;
}
#endif

#endif /* _MOVCOMPAT_FAULT_H */
