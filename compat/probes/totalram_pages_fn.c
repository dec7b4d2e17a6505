// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_TOTALRAM_PAGES_FN
 * totalram_pages() is a function (before, totalram_pages was a variable).
 * Added in v5.0 (commit not verified) by "mm: convert totalram_pages and
 *   totalhigh_pages variables to atomic" (Arun KS).
 */
#include <linux/mm.h>

unsigned long movcompat_probe(void)
{
	return totalram_pages();
}
