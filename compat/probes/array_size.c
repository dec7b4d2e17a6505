// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_ARRAY_SIZE
 * array_size() (a * b, saturating at SIZE_MAX) from <linux/overflow.h>.
 * Added in v4.18 (commit not verified) by "overflow.h: Add allocation size
 *   calculation helpers" (Kees Cook).
 */
#include <linux/overflow.h>

size_t movcompat_probe(size_t a, size_t b)
{
	return array_size(a, b);
}
