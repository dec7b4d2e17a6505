// SPDX-License-Identifier: GPL-2.0
/*
 * Already on <linux/balloon.h> (7.0+): balloon_compaction_to_balloon.cocci
 * must leave this byte-for-byte unchanged.
 */
#include <linux/balloon.h>
#include <linux/mm.h>

static struct balloon_dev_info done_b_dev_info;

static int done_migratepage(struct balloon_dev_info *b_dev_info,
			    struct page *newpage, struct page *page,
			    enum migrate_mode mode)
{
	return 0;
}

static void done_setup(void)
{
	balloon_devinfo_init(&done_b_dev_info);
	if (IS_ENABLED(CONFIG_BALLOON_MIGRATION))
		done_b_dev_info.migratepage = done_migratepage;
}
