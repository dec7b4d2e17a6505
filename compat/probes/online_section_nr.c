// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_ONLINE_SECTION_NR
 * online_section_nr(): a memory section is online (its memory map initialised).
 * Added in v4.13 (commit not verified) by "mm, memory_hotplug: do not
 *   associate hotadded memory to zones until online" (Michal Hocko), with
 *   SECTION_IS_ONLINE; before it, pfn_valid() takes no lock.
 */
#include <linux/mmzone.h>

bool movcompat_probe(unsigned long nr)
{
	return online_section_nr(nr);
}
