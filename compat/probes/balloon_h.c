// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BALLOON_H
 * <linux/balloon.h> (renamed balloon API, CONFIG_BALLOON_MIGRATION).
 * Upstream: "mm: rename balloon_compaction.(c|h) to balloon.(c|h)" (David Hildenbrand), v7.0
 */
#include <linux/balloon.h>

struct balloon_dev_info movcompat_probe;
