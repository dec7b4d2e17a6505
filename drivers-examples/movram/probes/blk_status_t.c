// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_STATUS_T
 * A bio ends with a blk_status_t in bio->bi_status (BLK_STS_*).
 * Added by 4e4cbee93d56 ("block: switch bios to blk_status_t") in v4.13.
 */
#include <linux/bio.h>

void movcompat_probe(struct bio *bio)
{
	bio->bi_status = BLK_STS_IOERR;
	bio_endio(bio);
}
