// SPDX-License-Identifier: GPL-2.0
/*
 * mops_to_movcompat: the domain in a module_init with the error paths of a
 * real driver. movcompat_domain_init() goes after the driver's own checks
 * (a rejected parameter returns before any domain exists), and every
 * error return after it destroys the domain: a constant errno, PTR_ERR(),
 * the branch of a test of the returned variable, and the shared unwind
 * label (there only when the variable holds an error).
 */
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/migrate.h>
#include <linux/module.h>
#include <linux/slab.h>

#define ERRP_MAX 1024
static unsigned int npages = 16;
module_param(npages, uint, 0444);

static struct {
	spinlock_t lock;
	struct page **pages;
	struct task_struct *task;
	int major;
} errp;

static bool errp_isolate(struct page *page, isolate_mode_t mode)
{
	return true;
}

static int errp_migrate(struct page *dst, struct page *src,
			enum migrate_mode mode)
{
	get_page(dst);
	__SetPageMovable(dst, page_movable_ops(src));
	__ClearPageMovable(src);
	put_page(src);
	return MIGRATEPAGE_SUCCESS;
}

static void errp_putback(struct page *page)
{
}

static const struct movable_operations errp_mops = {
	.isolate_page = errp_isolate,
	.migrate_page = errp_migrate,
	.putback_page = errp_putback,
};

static const struct file_operations errp_fops;

static int errp_thread(void *arg)
{
	return 0;
}

static int __init errp_init(void)
{
	unsigned int i;
	int ret;

	if (npages > ERRP_MAX) {
		pr_err("errp: npages=%u is more than %d\n", npages, ERRP_MAX);
		return -EINVAL;
	}
	if (!npages)
		return -EINVAL;
	spin_lock_init(&errp.lock);
	errp.pages = kcalloc(npages, sizeof(*errp.pages), GFP_KERNEL);
	if (!errp.pages)
		return -ENOMEM;
	ret = register_chrdev(0, "errp", &errp_fops);
	if (ret < 0)
		goto err_free;
	errp.major = ret;
	for (i = 0; i < npages; i++) {
		struct page *page = alloc_page(GFP_HIGHUSER | __GFP_MOVABLE);

		if (!page) {
			ret = -ENOMEM;
			goto err_unreg;
		}
		lock_page(page);
		__SetPageMovable(page, &errp_mops);
		unlock_page(page);
		errp.pages[i] = page;
	}
	errp.task = kthread_run(errp_thread, NULL, "errp");
	if (IS_ERR(errp.task))
		return PTR_ERR(errp.task);
	ret = 0;
	if (ret)
		return ret;
	return 0;

err_unreg:
	unregister_chrdev(errp.major, "errp");
err_free:
	kfree(errp.pages);
	return ret;
}

static void __exit errp_exit(void)
{
	unsigned int i;

	kthread_stop(errp.task);
	for (i = 0; i < npages; i++) {
		lock_page(errp.pages[i]);
		__ClearPageMovable(errp.pages[i]);
		unlock_page(errp.pages[i]);
		put_page(errp.pages[i]);
	}
	unregister_chrdev(errp.major, "errp");
	kfree(errp.pages);
}

module_init(errp_init);
module_exit(errp_exit);
MODULE_LICENSE("GPL");
