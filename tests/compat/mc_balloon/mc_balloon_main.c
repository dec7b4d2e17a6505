// SPDX-License-Identifier: GPL-2.0
/*
 * mc_balloon: tests movcompat's balloon shim (<movcompat/balloon.h>) on
 * every kernel, through the parts a ported driver may not exercise: the
 * managed page count (adjust_managed_page_count set), a migratepage that
 * gives up the new page (-ENOENT) or refuses (-EAGAIN), the list calls,
 * and the empty-balloon check at destroy.
 *
 * debugfs mc_balloon/:
 *   ctl     write "inflate N", "deflate N" (one by one), "inflate-list N",
 *           "deflate-list N", "enoent K" (every K-th migration gives up the
 *           new page; 0: never), "eagain K" (every K-th is refused)
 *   stats   pages (inflated), migrated, enoent, eagain, destroy_ok
 *   verify  "pages N bad B": the hypervisor's view (an xarray of pfns)
 *           holds N pfns, B of them not balloon pages or the count wrong
 *   pfns    the inflated pfns, one a line
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <movcompat/balloon.h>

static struct movcompat_balloon mcb;
static DEFINE_XARRAY(host);
static DEFINE_MUTEX(ctl_lock);
static atomic_long_t inflated, migrated, enoent, eagain, calls;
static unsigned long enoent_every, eagain_every;
static struct dentry *dir;

static int mcb_migratepage(struct movcompat_balloon *b, struct page *newpage,
			   struct page *page, enum migrate_mode mode)
{
	long n = atomic_long_inc_return(&calls);

	if (b != &mcb)
		return -EINVAL;
	if (eagain_every && n % eagain_every == 0) {
		atomic_long_inc(&eagain);
		return -EAGAIN;
	}
	if (enoent_every && n % enoent_every == 0) {
		/* the hypervisor took the old page back, not the new one */
		xa_erase(&host, page_to_pfn(page));
		atomic_long_dec(&inflated);
		atomic_long_inc(&enoent);
		return -ENOENT;
	}
	if (xa_err(xa_store(&host, page_to_pfn(newpage), newpage, GFP_KERNEL)))
		return -EAGAIN;
	xa_erase(&host, page_to_pfn(page));
	atomic_long_inc(&migrated);
	return 0;
}

static long inflate(unsigned long n, bool as_list)
{
	LIST_HEAD(pages);
	unsigned long i;
	long err = 0;

	for (i = 0; i < n; i++) {
		struct page *page = movcompat_balloon_page_alloc();

		if (!page || xa_err(xa_store(&host, page_to_pfn(page), page,
					     GFP_KERNEL))) {
			if (page)
				__free_page(page);
			err = -ENOMEM;
			break;
		}
		if (as_list) {
			list_add(&page->lru, &pages);
		} else {
			movcompat_balloon_page_enqueue(&mcb, page);
			atomic_long_inc(&inflated);
		}
	}
	if (as_list)
		atomic_long_add(movcompat_balloon_page_list_enqueue(&mcb, &pages),
				&inflated);
	return err;
}

static void give_back(struct page *page)
{
	xa_erase(&host, page_to_pfn(page));
	atomic_long_dec(&inflated);
	put_page(page);
}

static void deflate(unsigned long n, bool as_list)
{
	while (n && atomic_long_read(&inflated) > 0) {
		struct page *page, *tmp;
		LIST_HEAD(pages);
		size_t got = 0;

		if (as_list) {
			got = movcompat_balloon_page_list_dequeue(&mcb, &pages, n);
			list_for_each_entry_safe(page, tmp, &pages, lru) {
				list_del(&page->lru);
				give_back(page);
			}
		} else {
			page = movcompat_balloon_page_dequeue(&mcb);
			if (page) {
				give_back(page);
				got = 1;
			}
		}
		if (!got) {
			msleep(20);	/* all isolated for migration */
			continue;
		}
		n -= got;
	}
}

static ssize_t ctl_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	char buf[32], cmd[16];
	unsigned long n;
	long err = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	if (sscanf(buf, "%15s %lu", cmd, &n) != 2)
		return -EINVAL;
	mutex_lock(&ctl_lock);
	if (!strcmp(cmd, "inflate"))
		err = inflate(n, false);
	else if (!strcmp(cmd, "inflate-list"))
		err = inflate(n, true);
	else if (!strcmp(cmd, "deflate"))
		deflate(n, false);
	else if (!strcmp(cmd, "deflate-list"))
		deflate(n, true);
	else if (!strcmp(cmd, "enoent"))
		WRITE_ONCE(enoent_every, n);
	else if (!strcmp(cmd, "eagain"))
		WRITE_ONCE(eagain_every, n);
	else
		err = -EINVAL;
	mutex_unlock(&ctl_lock);
	return err ? err : len;
}

static const struct file_operations ctl_fops = {
	.owner = THIS_MODULE,
	.write = ctl_write,
};

static int stats_show(struct seq_file *m, void *v)
{
	seq_printf(m, "pages %ld\nmigrated %ld\nenoent %ld\neagain %ld\n",
		   atomic_long_read(&inflated), atomic_long_read(&migrated),
		   atomic_long_read(&enoent), atomic_long_read(&eagain));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int verify_show(struct seq_file *m, void *v)
{
	unsigned long pfn, n = 0, bad = 0;
	struct page *page;

	xa_for_each(&host, pfn, page) {
		n++;
		if (page_to_pfn(page) != pfn || !PageOffline(page))
			bad++;
	}
	if (n != atomic_long_read(&inflated))
		bad++;
	seq_printf(m, "pages %lu bad %lu\n", n, bad);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(verify);

static int pfns_show(struct seq_file *m, void *v)
{
	unsigned long pfn;
	struct page *page;

	xa_for_each(&host, pfn, page)
		seq_printf(m, "%lu\n", pfn);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pfns);

static int __init mcb_init(void)
{
	movcompat_balloon_init(&mcb);
	mcb.adjust_managed_page_count = true;
	if (movcompat_balloon_pages_movable())
		mcb.migratepage = mcb_migratepage;
	dir = debugfs_create_dir("mc_balloon", NULL);
	debugfs_create_file("ctl", 0200, dir, NULL, &ctl_fops);
	debugfs_create_file("stats", 0444, dir, NULL, &stats_fops);
	debugfs_create_file("verify", 0444, dir, NULL, &verify_fops);
	debugfs_create_file("pfns", 0444, dir, NULL, &pfns_fops);
	return 0;
}

static void __exit mcb_exit(void)
{
	debugfs_remove_recursive(dir);
	deflate(ULONG_MAX, false);
	if (movcompat_balloon_destroy(&mcb))
		pr_info("mc_balloon: destroyed empty\n");
	xa_destroy(&host);
}

module_init(mcb_init);
module_exit(mcb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("movcompat balloon shim test");
