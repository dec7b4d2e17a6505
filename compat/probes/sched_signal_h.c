// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_SCHED_SIGNAL_H
 * <linux/sched/signal.h> holds fatal_signal_pending() (before, <linux/sched.h>).
 * Added in v4.11 (commit not verified) by "sched/headers: Prepare for new
 *   header dependencies before moving code to <linux/sched/signal.h>"
 *   (Ingo Molnar).
 */
#include <linux/sched/signal.h>

bool movcompat_probe(struct task_struct *p)
{
	return fatal_signal_pending(p);
}
