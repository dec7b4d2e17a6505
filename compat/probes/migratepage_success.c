// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_MIGRATEPAGE_SUCCESS
 * The MIGRATEPAGE_SUCCESS return code is defined in <linux/migrate.h>.
 * Added by 78bd52097d04 ("mm: adjust address_space_operations.migratepage()
 *   return code") in v3.8.
 * Removed in v6.18 (commit not verified) by "treewide: remove
 *   MIGRATEPAGE_SUCCESS"; 6.17.y stable backported it (gone in Debian 6.17.13).
 */
#include <linux/migrate.h>

#ifndef MIGRATEPAGE_SUCCESS
#error no MIGRATEPAGE_SUCCESS
#endif
int movcompat_probe = MIGRATEPAGE_SUCCESS;
