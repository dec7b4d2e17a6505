// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_QUEUE_FLAG_SET
 * blk_queue_flag_set() sets a queue flag (before, queue_flag_set_unlocked()).
 * Added by 8814ce8a0f68 ("block: Introduce
 *   blk_queue_flag_{set,clear,test_and_{set,clear}}()") in v4.17.
 */
#include <linux/blkdev.h>

void (*movcompat_probe)(unsigned int, struct request_queue *) = blk_queue_flag_set;
