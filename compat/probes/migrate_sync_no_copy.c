// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_MIGRATE_SYNC_NO_COPY
 * enum migrate_mode has the MIGRATE_SYNC_NO_COPY mode.
 * Added between v4.8 and v4.15 (commit not verified).
 * Removed between v6.9 and v6.11 (commit not verified) by "mm: remove
 *   MIGRATE_SYNC_NO_COPY mode" (Kefeng Wang).
 */
#include <linux/migrate_mode.h>

int movcompat_probe = MIGRATE_SYNC_NO_COPY;
