// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_ADD_DISK_INT
 * add_disk() returns an int error code (it returned void before).
 * Added by 83cbce957446 ("block: add error handling for device_add_disk /
 *   add_disk") in v5.15.
 */
#include <linux/blkdev.h>

int movcompat_probe(struct gendisk *disk)
{
	int ret = add_disk(disk);

	return ret;
}
