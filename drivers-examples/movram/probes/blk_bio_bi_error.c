// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_BIO_BI_ERROR
 * A bio ends with an errno in bio->bi_error and bio_endio(bio) (before,
 *   bio_endio(bio, error)).
 * Added by 4246a0b63bd8 ("block: add a bi_error field to struct bio") in
 *   v4.3.
 * Removed by 4e4cbee93d56 ("block: switch bios to blk_status_t") in v4.13.
 */
#include <linux/bio.h>

void movcompat_probe(struct bio *bio)
{
	bio->bi_error = -EIO;
	bio_endio(bio);
}
