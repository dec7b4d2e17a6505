// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BALLOON_COMPACTION_H
 * <linux/balloon_compaction.h> exists and declares struct balloon_dev_info.
 * Added by 18468d93e53b ("mm: introduce a common interface for balloon pages
 *   mobility") in v3.8.
 * Removed in v7.0 (commit not verified): "mm: rename balloon_compaction.(c|h)
 *   to balloon.(c|h)" renamed it to <linux/balloon.h>.
 */
#include <linux/balloon_compaction.h>

struct balloon_dev_info movcompat_probe;
