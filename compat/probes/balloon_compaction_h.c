// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BALLOON_COMPACTION_H
 * <linux/balloon_compaction.h> with struct balloon_dev_info.
 * Upstream: 18468d93e53b "mm: introduce a common interface for balloon pages mobility", v3.8;
 *   renamed in v7.0
 */
#include <linux/balloon_compaction.h>

struct balloon_dev_info movcompat_probe;
