// SPDX-License-Identifier: GPL-2.0
/*
 * The balloon shim (<movcompat/balloon.h>): 7.0's balloon driver interface
 * on the kernel's balloon core of every era from 4.15.
 *
 *  - 7.0+ (<linux/balloon.h>): a thin layer; the kernel does the
 *    bookkeeping around the driver's migratepage and adjusts the managed
 *    page count itself when the balloon's flag says so.
 *  - 4.15-6.19 (<linux/balloon_compaction.h>): the kernel calls the
 *    balloon's migratepage and leaves the bookkeeping to it; movcompat's
 *    callback does what 7.0's balloon_page_migrate() does around the
 *    driver's, and enqueue/dequeue adjust the managed page count.
 *  - 4.8-5.19 (struct balloon_dev_info has an inode): balloon_page_insert()
 *    gives each page balloon->inode->i_mapping, whose a_ops must be the
 *    kernel's balloon_aops. The VM only reads mapping->a_ops of such a page
 *    (as for the aops backend's bare mapping, compat/movcompat_aops.c), so
 *    one static inode and address_space serve every balloon of the module:
 *    no pseudo filesystem, no kern_mount(), and init cannot fail.
 */
#include "movcompat_config.h"

#if (defined(MOVCOMPAT_HAVE_BALLOON_H) || \
	defined(MOVCOMPAT_HAVE_BALLOON_COMPACTION_H)) && \
	defined(MOVCOMPAT_USABLE_BALLOON_PAGE_ALLOC) && \
	defined(MOVCOMPAT_USABLE_BALLOON_PAGE_ENQUEUE) && \
	defined(MOVCOMPAT_USABLE_BALLOON_PAGE_DEQUEUE)

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/vmstat.h>
#include <movcompat/balloon.h>
#include "movcompat_internal.h"

/* the kernel calls the balloon's migratepage only where it can move pages */
#if defined(CONFIG_BALLOON_COMPACTION) || defined(CONFIG_BALLOON_MIGRATION)
#define MOVCOMPAT_BALLOON_MIGRATES 1
#endif

#if defined(MOVCOMPAT_HAVE_BALLOON_INODE) && defined(MOVCOMPAT_BALLOON_MIGRATES)
#ifndef MOVCOMPAT_USABLE_BALLOON_AOPS
/* 4.8-5.19 move balloon pages through the kernel's balloon_aops */
#error "movcompat balloon: this kernel does not export balloon_aops to this module"
#endif
static struct address_space movcompat_balloon_mapping = {
	.a_ops = &balloon_aops,
};

static struct inode movcompat_balloon_inode = {
	.i_mapping = &movcompat_balloon_mapping,
};
#endif

#ifdef MOVCOMPAT_HAVE_BALLOON_H
/* 7.0+: the flag is the kernel's, read by each call that counts */
static void sync_adjust_flag(struct movcompat_balloon *b)
{
	b->dev.adjust_managed_page_count = b->adjust_managed_page_count;
}

static void adjust_managed(struct movcompat_balloon *b, struct page *page,
			   long delta)
{
}
#else
static void sync_adjust_flag(struct movcompat_balloon *b)
{
}

static void adjust_managed(struct movcompat_balloon *b, struct page *page,
			   long delta)
{
	if (b->adjust_managed_page_count)
		adjust_managed_page_count(page, delta);
}
#endif

#ifdef MOVCOMPAT_BALLOON_MIGRATES
#ifndef MOVCOMPAT_HAVE_BALLOON_H
/**
 * movcompat_balloon_settle() - before 7.0: a balloon migration's bookkeeping.
 * @dev: the balloon device.
 * @newpage: the destination.
 * @page: the isolated source, deflated now; the balloon's reference goes.
 * @inflated: 0 from the device's callback; false for 7.0's -ENOENT (the
 *	old page was deflated, the new one not inflated).
 * @adjust: the balloon adjusts the managed page count.
 *
 * What 7.0's balloon_page_migrate() does around the driver's callback, and
 * what every driver's callback did itself before; shared with the carrier.
 */
void movcompat_balloon_settle(struct balloon_dev_info *dev,
			      struct page *newpage, struct page *page,
			      bool inflated, bool adjust)
{
	unsigned long flags;

	spin_lock_irqsave(&dev->pages_lock, flags);
	if (inflated) {
		get_page(newpage);
		balloon_page_insert(dev, newpage);
		__count_vm_event(BALLOON_MIGRATE);
		if (adjust && page_zone(page) != page_zone(newpage)) {
			adjust_managed_page_count(page, 1);
			adjust_managed_page_count(newpage, -1);
		}
	} else {
		__count_vm_event(BALLOON_DEFLATE);
		if (adjust)
			adjust_managed_page_count(page, 1);
#ifdef MOVCOMPAT_HAVE_NR_BALLOON_PAGES
		dec_node_page_state(page, NR_BALLOON_PAGES);
#endif
	}
	dev->isolated_pages--;
#ifdef MOVCOMPAT_HAVE_BALLOON_PAGE_FINALIZE
	balloon_page_finalize(page);
#else
	balloon_page_delete(page);	/* isolated: no list_del */
#endif
	spin_unlock_irqrestore(&dev->pages_lock, flags);
	/* the balloon's reference: the kernel frees the isolated page */
	put_page(page);
}
#endif

/*
 * The kernel's callback for every movcompat balloon: the driver's, and
 * before 7.0 the bookkeeping of 7.0's balloon_page_migrate() around it.
 */
static int movcompat_balloon_migrate(struct balloon_dev_info *dev,
				     struct page *newpage, struct page *page,
				     enum migrate_mode mode)
{
	struct movcompat_balloon *b =
		container_of(dev, struct movcompat_balloon, dev);
	int rc;

	if (!b->migratepage)
		return -EAGAIN;
	rc = b->migratepage(b, newpage, page, mode);
#ifndef MOVCOMPAT_HAVE_BALLOON_H
	if (rc < 0 && rc != -ENOENT)
		return rc;
	movcompat_balloon_settle(dev, newpage, page, !rc,
				 b->adjust_managed_page_count);
	rc = 0;
#endif
	return rc;
}
#endif /* MOVCOMPAT_BALLOON_MIGRATES */

void movcompat_balloon_init(struct movcompat_balloon *b)
{
	balloon_devinfo_init(&b->dev);
	b->migratepage = NULL;
	b->adjust_managed_page_count = false;
#ifdef MOVCOMPAT_BALLOON_MIGRATES
	b->dev.migratepage = movcompat_balloon_migrate;
#ifdef MOVCOMPAT_HAVE_BALLOON_INODE
	b->dev.inode = &movcompat_balloon_inode;
#endif
#endif
}

bool movcompat_balloon_destroy(struct movcompat_balloon *b)
{
	bool inflated = !list_empty_careful(&b->dev.pages);
	unsigned long isolated = READ_ONCE(b->dev.isolated_pages);

	return !WARN(inflated || isolated,
		     "movcompat balloon: destroyed with pages %s and %lu isolated for migration: they point at the balloon; deflate every page before its memory (or the module) goes away\n",
		     inflated ? "still inflated" : "none inflated", isolated);
}

struct page *movcompat_balloon_page_alloc(void)
{
	return balloon_page_alloc();
}

void movcompat_balloon_page_enqueue(struct movcompat_balloon *b,
				    struct page *page)
{
	/* before 7.0 counted first: the page may migrate once enqueued */
	adjust_managed(b, page, -1);
	sync_adjust_flag(b);
	balloon_page_enqueue(&b->dev, page);
}

struct page *movcompat_balloon_page_dequeue(struct movcompat_balloon *b)
{
	struct page *page;

	sync_adjust_flag(b);
	page = balloon_page_dequeue(&b->dev);
	if (page)
		adjust_managed(b, page, 1);
	return page;
}

size_t movcompat_balloon_page_list_enqueue(struct movcompat_balloon *b,
					   struct list_head *pages)
{
#ifdef MOVCOMPAT_USABLE_BALLOON_PAGE_LIST_ENQUEUE
	struct page *page;

	list_for_each_entry(page, pages, lru)
		adjust_managed(b, page, -1);
	sync_adjust_flag(b);
	return balloon_page_list_enqueue(&b->dev, pages);
#else
	/* before 5.3: one at a time */
	struct page *page, *tmp;
	size_t n = 0;

	list_for_each_entry_safe(page, tmp, pages, lru) {
		list_del(&page->lru);
		movcompat_balloon_page_enqueue(b, page);
		n++;
	}
	return n;
#endif
}

size_t movcompat_balloon_page_list_dequeue(struct movcompat_balloon *b,
					   struct list_head *pages,
					   size_t n_req_pages)
{
	struct page *page;
	size_t n = 0;
#ifdef MOVCOMPAT_USABLE_BALLOON_PAGE_LIST_DEQUEUE
	LIST_HEAD(got);

	sync_adjust_flag(b);
	n = balloon_page_list_dequeue(&b->dev, &got, n_req_pages);
	list_for_each_entry(page, &got, lru)
		adjust_managed(b, page, 1);
	list_splice(&got, pages);
	return n;
#else
	/* before 5.3: one at a time */
	while (n < n_req_pages) {
		page = movcompat_balloon_page_dequeue(b);
		if (!page)
			break;
		list_add(&page->lru, pages);
		n++;
	}
	return n;
#endif
}

#endif /* the kernel's balloon API, usable by this module */
