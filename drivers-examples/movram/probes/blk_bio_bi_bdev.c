// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_BIO_BI_BDEV
 * struct bio has a bi_bdev member (bi_disk before).
 * Added by 309dca309fc3 ("block: store a block_device pointer in struct bio")
 *   in v5.12.
 */
#include <linux/blkdev.h>

struct gendisk *movcompat_probe(struct bio *bio)
{
	return bio->bi_bdev->bd_disk;
}
