// SPDX-License-Identifier: GPL-2.0
/*
 * mc_debugbad - the debug kernels' negative tests: loading it with bug=NAME
 * commits one deliberate bug of the kind a debug-kernel detector reports, so
 * the harness can show that the console pattern for that detector fires and
 * fails the run (tests/vmtests.list, rows detector-*). Never load it on a
 * machine you care about.
 *
 *   kasan      read of a kmalloc object after kfree()       KASAN:
 *   kfence     the same on a KFENCE-guarded object           KFENCE:
 *   abba       two mutexes taken A->B, then B->A            possible circular locking
 *   irqstate   a spinlock taken in softirq context, then
 *              with softirqs enabled                        inconsistent lock state
 *   rcu        rcu_dereference() outside rcu_read_lock()    suspicious RCU usage
 *   sleep      might_sleep() under a spinlock               sleeping function called ...
 *   dumppage   dump_page() of a page                        page dumped because
 *   vmbug      VM_BUG_ON_PAGE() that holds                  VM_BUG_ON
 *   listdel    list_del() of an entry twice                 list_del corruption
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/delay.h>
#include <linux/rcupdate.h>
#include <linux/mm.h>
#include <linux/mmdebug.h>
#include <linux/kfence.h>
#include <linux/jiffies.h>
#include <linux/list.h>

static char *bug = "";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "the bug to commit at load: kasan, kfence, abba, irqstate, rcu, sleep, dumppage, vmbug, listdel");

static int bad_kasan(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	pr_info("mc_debugbad: read after free: %d\n", READ_ONCE(p[8]));
	return 0;
}

static int bad_kfence(void)
{
	unsigned long end = jiffies + 30 * HZ;
	char *p;

	/* KFENCE guards one allocation per sample interval (100 ms) */
	while (time_before(jiffies, end)) {
		p = kmalloc(32, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		if (is_kfence_address(p)) {
			kfree(p);
			OPTIMIZER_HIDE_VAR(p);
			pr_info("mc_debugbad: read after free: %d\n", READ_ONCE(p[0]));
			return 0;
		}
		kfree(p);
		usleep_range(1000, 2000);
	}
	pr_err("mc_debugbad: no KFENCE-guarded allocation within 30 s\n");
	return -ETIMEDOUT;
}

static DEFINE_MUTEX(lock_a);
static DEFINE_MUTEX(lock_b);

static int bad_abba(void)
{
	mutex_lock(&lock_a);
	mutex_lock(&lock_b);
	mutex_unlock(&lock_b);
	mutex_unlock(&lock_a);
	/* never deadlocks here (one thread), but lockdep sees the cycle */
	mutex_lock(&lock_b);
	mutex_lock(&lock_a);
	mutex_unlock(&lock_a);
	mutex_unlock(&lock_b);
	return 0;
}

static DEFINE_SPINLOCK(irq_lock);
static struct timer_list irq_timer;
static bool irq_timer_ran;

static void irq_timer_fn(struct timer_list *t)
{
	spin_lock(&irq_lock);
	WRITE_ONCE(irq_timer_ran, true);
	spin_unlock(&irq_lock);
}

static int bad_irqstate(void)
{
	int i;

	timer_setup(&irq_timer, irq_timer_fn, 0);
	mod_timer(&irq_timer, jiffies + 1);
	for (i = 0; i < 1000 && !READ_ONCE(irq_timer_ran); i++)
		usleep_range(10000, 20000);
	/* softirq-safe lock taken with softirqs on */
	spin_lock(&irq_lock);
	spin_unlock(&irq_lock);
	timer_delete_sync(&irq_timer);
	return 0;
}

static int __rcu *rcu_ptr;

static int bad_rcu(void)
{
	int *p = rcu_dereference(rcu_ptr);

	pr_info("mc_debugbad: rcu pointer %p\n", p);
	return 0;
}

static DEFINE_SPINLOCK(sleep_lock);

static int bad_sleep(void)
{
	spin_lock(&sleep_lock);
	might_sleep();
	spin_unlock(&sleep_lock);
	return 0;
}

static int bad_page(bool bug_on)
{
	struct page *page = alloc_page(GFP_KERNEL);

	if (!page)
		return -ENOMEM;
	if (bug_on)
		VM_BUG_ON_PAGE(page_count(page) == 1, page);
	else
		dump_page(page, "mc_debugbad detector test");
	__free_page(page);
	return 0;
}

static int bad_listdel(void)
{
	LIST_HEAD(head);
	struct list_head entry;

	list_add(&entry, &head);
	list_del(&entry);
	list_del(&entry);
	return 0;
}

static int __init mc_debugbad_init(void)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} bugs[] = {
		{ "kasan", bad_kasan },
		{ "kfence", bad_kfence },
		{ "abba", bad_abba },
		{ "irqstate", bad_irqstate },
		{ "rcu", bad_rcu },
		{ "sleep", bad_sleep },
		{ "listdel", bad_listdel },
	};
	int i;

	if (!strcmp(bug, "dumppage"))
		return bad_page(false);
	if (!strcmp(bug, "vmbug"))
		return bad_page(true);
	for (i = 0; i < ARRAY_SIZE(bugs); i++)
		if (!strcmp(bug, bugs[i].name))
			return bugs[i].fn();
	pr_err("mc_debugbad: unknown bug '%s'\n", bug);
	return -EINVAL;
}

static void __exit mc_debugbad_exit(void)
{
}

module_init(mc_debugbad_init);
module_exit(mc_debugbad_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("movcompat harness negative tests for the debug kernels' detectors");
