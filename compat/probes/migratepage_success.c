// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_MIGRATEPAGE_SUCCESS
 * MIGRATEPAGE_SUCCESS is defined.
 * Upstream: defined v2.6.37 (mm/migrate.h) to v6.16;
 *   removed in v6.17 ("mm/migrate: remove MIGRATEPAGE_SUCCESS" series)
 */
#include <linux/migrate.h>

#ifndef MIGRATEPAGE_SUCCESS
#error no MIGRATEPAGE_SUCCESS
#endif
int movcompat_probe = MIGRATEPAGE_SUCCESS;
