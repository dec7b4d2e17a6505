/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mc_pages_lostwake.h - mc_pages' debugfs "lostwake" (included once, by
 * mc_pages_main.c): a fixture that exists only on kernels with the lost
 * lock_page() wake-up (the probe MOVCOMPAT_HAVE_NONATOMIC_PG_ISOLATED,
 * which also needs PG_waiters: 4.10+). Elsewhere it is an empty function,
 * so the module's source has no #if.
 */
#ifndef _MC_PAGES_LOSTWAKE_H
#define _MC_PAGES_LOSTWAKE_H

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <movcompat/movcompat.h>

#ifdef MOVCOMPAT_HAVE_NONATOMIC_PG_ISOLATED
/*
 * The lost wake-up of 4.8-5.17 kernels without upstream 356ea3865687 (the
 * probe MOVCOMPAT_HAVE_NONATOMIC_PG_ISOLATED; Debian 5.10): the VM sets
 * and clears PG_isolated with a non-atomic read-modify-write of
 * page->flags while it holds the page lock, so a PG_waiters that a task
 * going to sleep in lock_page() sets in between is erased, and the unlock
 * wakes nobody. The window is a few instructions; this produces its
 * effect deterministically: the holder snapshots page->flags, a thread
 * waits for the lock, the holder writes the snapshot back (as the VM's
 * store does) and unlocks. "plain" waits with lock_page() (it must stay
 * asleep: the effect is real in this kernel), "movcompat" with
 * movcompat_lock_page() (it must get the lock). The sleeper is woken
 * afterwards in any case. Reads "MODE woken 0|1". Only on such kernels.
 */
struct lost_wake {
	struct page *page;
	bool plain;
	struct completion locked;
};

static const char *lost_wake_mode = "none";
static int lost_wake_woken = -1;

static int lost_wake_fn(void *arg)
{
	struct lost_wake *w = arg;

	if (w->plain)
		lock_page(w->page);
	else
		movcompat_lock_page(w->page);
	unlock_page(w->page);
	complete(&w->locked);
	return 0;
}

static int lost_wake_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s woken %d\n", lost_wake_mode, lost_wake_woken);
	return 0;
}

static int lost_wake_open(struct inode *inode, struct file *file)
{
	return single_open(file, lost_wake_show, NULL);
}

static ssize_t lost_wake_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	struct task_struct *k;
	unsigned long *fl, flags;
	struct lost_wake w;
	char buf[16];
	int i;

	if (len >= sizeof(buf) || copy_from_user(buf, ubuf, len))
		return -EINVAL;
	buf[len] = 0;
	if (sysfs_streq(buf, "plain"))
		w.plain = true;
	else if (sysfs_streq(buf, "movcompat"))
		w.plain = false;
	else
		return -EINVAL;
	w.page = alloc_page(GFP_KERNEL);
	if (!w.page)
		return -ENOMEM;
	init_completion(&w.locked);
	lock_page(w.page);
	fl = (unsigned long *)&w.page->flags;	/* a struct of one word on 6.18+ */
	flags = READ_ONCE(*fl);
	k = kthread_run(lost_wake_fn, &w, "mc_lostwake");
	if (IS_ERR(k)) {
		unlock_page(w.page);
		__free_page(w.page);
		return PTR_ERR(k);
	}
	/* until the thread sleeps on the lock (a polling waiter never does) */
	for (i = 0; i < 100 && !test_bit(PG_waiters, fl); i++)
		usleep_range(2000, 3000);
	WRITE_ONCE(*fl, flags);		/* the VM's non-atomic store */
	unlock_page(w.page);
	lost_wake_woken = wait_for_completion_timeout(&w.locked, 2 * HZ) != 0;
	lost_wake_mode = w.plain ? "plain" : "movcompat";
	if (!lost_wake_woken) {
		/* wake the sleeper for real: a lock round with PG_waiters */
		lock_page(w.page);
		set_bit(PG_waiters, fl);
		unlock_page(w.page);
		wait_for_completion(&w.locked);
	}
	__free_page(w.page);
	return len;
}

static const struct file_operations lost_wake_fops = {
	.owner = THIS_MODULE,
	.open = lost_wake_open,
	.read = seq_read,
	.write = lost_wake_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static void mc_pages_lostwake_debugfs(struct dentry *dir)
{
	debugfs_create_file("lostwake", 0600, dir, NULL, &lost_wake_fops);
}
#else
static void mc_pages_lostwake_debugfs(struct dentry *dir)
{
}
#endif

#endif /* _MC_PAGES_LOSTWAKE_H */
