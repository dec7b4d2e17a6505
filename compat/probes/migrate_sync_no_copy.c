// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_MIGRATE_SYNC_NO_COPY
 * enum migrate_mode has MIGRATE_SYNC_NO_COPY.
 * Upstream: v4.14 to v6.9 (removed in v6.10)
 */
#include <linux/migrate_mode.h>

int movcompat_probe = MIGRATE_SYNC_NO_COPY;
