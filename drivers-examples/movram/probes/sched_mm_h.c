// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_SCHED_MM_H
 * <linux/sched/mm.h> holds memalloc_noio_save() (before, <linux/sched.h>).
 * Added in v4.11 (commit not verified) by "sched/headers: Prepare for new
 *   header dependencies before moving code to <linux/sched/mm.h>"
 *   (Ingo Molnar).
 */
#include <linux/sched/mm.h>

unsigned int movcompat_probe(void)
{
	return memalloc_noio_save();
}
