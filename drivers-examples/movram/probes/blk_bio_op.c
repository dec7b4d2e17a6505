// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_BIO_OP
 * bio_op() names a bio's operation (REQ_OP_READ, _WRITE, _DISCARD); before,
 *   the REQ_DISCARD flag in bio->bi_rw and bio_data_dir().
 * Added in v4.8 (commit not verified) by "block: add REQ_OP definitions
 *   and helpers" (Mike Christie).
 */
#include <linux/bio.h>

bool movcompat_probe(struct bio *bio)
{
	return bio_op(bio) == REQ_OP_DISCARD;
}
