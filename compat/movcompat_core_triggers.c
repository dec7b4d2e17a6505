// SPDX-License-Identifier: GPL-2.0
/*
 * What makes the migration core run where the kernel never will:
 *
 *  - memory offlining: a memory notifier evacuates the domain's pages from
 *    a range at MEM_GOING_OFFLINE (the range is already isolated, so no
 *    destination can fall inside it) and refuses the offline with -EBUSY
 *    if a page could not leave, instead of letting offline_pages() spin
 *    on a page it cannot migrate;
 *  - debugfs (GPL modules; debugfs is EXPORT_SYMBOL_GPL), root only:
 *    /sys/kernel/debug/movcompat-<domain>/
 *      stats     the core's counters, "name value" per line
 *      compact   write anything: movcompat_domain_compact()
 *      evacuate  write "START_PFN NR_PAGES": movcompat_domain_evacuate()
 *    and in fault-injection builds fail_dst_alloc, fail_migrate,
 *    delay_isolated_ms;
 *  - the API: movcompat_domain_compact(), movcompat_domain_evacuate().
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/memory.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <movcompat/movcompat.h>
#include "movcompat_core.h"

#ifdef MOVCOMPAT_BACKEND_CORE

/* while a block goes offline: re-evacuate it every few ms */
#define MOVCOMPAT_OFFLINE_RECHECK_MS	20
/* evacuation rounds at MEM_GOING_OFFLINE while pages keep leaving */
#define MOVCOMPAT_OFFLINE_TRIES		10

static bool core_offline_range(struct movcompat_core *core,
			       unsigned long *start, unsigned long *end)
{
	bool on;

	spin_lock(&core->offline_lock);
	on = core->offlining;
	*start = core->offline_start;
	*end = core->offline_end;
	spin_unlock(&core->offline_lock);
	return on;
}

static void core_offline_set(struct movcompat_core *core, bool on,
			     unsigned long start, unsigned long end)
{
	spin_lock(&core->offline_lock);
	core->offline_start = start;
	core->offline_end = end;
	WRITE_ONCE(core->offlining, on);
	spin_unlock(&core->offline_lock);
}

static void core_offline_work(struct work_struct *work)
{
	struct movcompat_core *core = container_of(to_delayed_work(work),
						   struct movcompat_core,
						   offline_work);
	unsigned long start, end;

	if (!core_offline_range(core, &start, &end))
		return;
	movcompat_core_evacuate(core->dom, start, end, MIGRATE_SYNC);
	if (core_offline_range(core, &start, &end))
		queue_delayed_work(system_wq, &core->offline_work,
				   msecs_to_jiffies(MOVCOMPAT_OFFLINE_RECHECK_MS));
}

/*
 * MEM_GOING_OFFLINE: the kernel isolated the block (no allocation comes
 * from it any more); evacuate the domain's pages (again while a round
 * makes progress, up to MOVCOMPAT_OFFLINE_TRIES rounds; refuse the
 * offline when pages are left) and keep the range until
 * MEM_OFFLINE or MEM_CANCEL_OFFLINE: no destination may come from it, and
 * a page of the domain that gets into it anyway (made movable after the
 * evacuation, or moved there by a pass whose pool was filled before the
 * isolation) is evacuated again by offline_work, so offline_pages(), which
 * loops until the block is empty, never spins on a page of ours.
 */
static int core_memory_notify(struct notifier_block *nb, unsigned long action,
			      void *arg)
{
	struct movcompat_core *core = container_of(nb, struct movcompat_core,
						   memory_nb);
	struct memory_notify *mn = arg;
	unsigned long end = mn->start_pfn + mn->nr_pages;
	int tries;
	long left;

	switch (action) {
	case MEM_GOING_OFFLINE:
		break;
	case MEM_OFFLINE:
	case MEM_CANCEL_OFFLINE:
		if (action == MEM_CANCEL_OFFLINE && MOVCOMPAT_BROKEN(CANCEL))
			return NOTIFY_OK;
		core_offline_set(core, false, 0, 0);
		cancel_delayed_work_sync(&core->offline_work);
		return NOTIFY_OK;
	default:
		return NOTIFY_OK;
	}
	core_offline_set(core, true, mn->start_pfn, end);
	left = movcompat_core_evacuate(core->dom, mn->start_pfn, end,
				       MIGRATE_SYNC);
	/*
	 * As offline_pages() does for the kernel's own pages, keep going
	 * while pages leave: a driver may refuse some for a while (-EBUSY,
	 * -ENOMEM). Refuse the offline once a round moves none.
	 */
	for (tries = 1; left > 0 && tries < MOVCOMPAT_OFFLINE_TRIES; tries++) {
		long before = left;

		msleep(MOVCOMPAT_OFFLINE_RECHECK_MS);
		left = movcompat_core_evacuate(core->dom, mn->start_pfn, end,
					       MIGRATE_SYNC);
		if (left >= before)
			break;
	}
	if (!left) {
		queue_delayed_work(system_wq, &core->offline_work,
				   msecs_to_jiffies(MOVCOMPAT_OFFLINE_RECHECK_MS));
		return NOTIFY_OK;
	}
	if (!MOVCOMPAT_BROKEN(CANCEL))
		core_offline_set(core, false, 0, 0);
	pr_info("movcompat: domain %s: %ld pages could not leave pfns %#lx-%#lx; refusing to offline them\n",
		core->dom->name, left, mn->start_pfn,
		mn->start_pfn + mn->nr_pages - 1);
	return notifier_from_errno(left < 0 ? (int)left : -EBUSY);
}

#if defined(MOVCOMPAT_MODULE_GPL) && defined(CONFIG_DEBUG_FS)

static int stats_show(struct seq_file *m, void *v)
{
	struct movcompat_core *core = m->private;
	struct movcompat_core_stats *s = &core->stats;

	seq_printf(m, "backend %s\n", movcompat_domain_backend_name(core->dom));
	seq_printf(m, "pages %ld\n", atomic_long_read(&core->dom->nr_movable));
	seq_printf(m, "table %s\n",
		   IS_ENABLED(MOVCOMPAT_USE_XARRAY) ? "xarray" : "radix");
	seq_printf(m, "zone_movable %d\n", core->zone_movable);
	seq_printf(m, "offlining %d\n", READ_ONCE(core->offlining));
	seq_printf(m, "passes %ld\n", atomic_long_read(&s->passes));
	seq_printf(m, "isolated %ld\n", atomic_long_read(&s->isolated));
	seq_printf(m, "migrated %ld\n", atomic_long_read(&s->migrated));
	seq_printf(m, "retried %ld\n", atomic_long_read(&s->retried));
	seq_printf(m, "failed %ld\n", atomic_long_read(&s->failed));
	seq_printf(m, "putback %ld\n", atomic_long_read(&s->putback));
	seq_printf(m, "released_isolated %ld\n",
		   atomic_long_read(&s->released_isolated));
	seq_printf(m, "dst_alloc_failed %ld\n",
		   atomic_long_read(&s->dst_alloc_failed));
	seq_printf(m, "dst_rejected %ld\n", atomic_long_read(&s->dst_rejected));
	seq_printf(m, "busy %ld\n", atomic_long_read(&s->busy));
	seq_printf(m, "refused %ld\n", atomic_long_read(&s->refused));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static ssize_t compact_write(struct file *file, const char __user *buf,
			     size_t len, loff_t *ppos)
{
	struct movcompat_core *core = file->private_data;
	long ret = movcompat_domain_compact(core->dom);

	return ret < 0 ? ret : len;
}

static const struct file_operations compact_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = compact_write,
	.llseek = noop_llseek,
};

static ssize_t evacuate_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	struct movcompat_core *core = file->private_data;
	unsigned long start, nr;
	char buf[64], *rest, *first;
	long ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	/* exactly two unsigned decimal numbers: no sign, nothing after */
	rest = strim(buf);
	first = strsep(&rest, " ");
	if (!rest || kstrtoul(first, 10, &start) ||
	    kstrtoul(skip_spaces(rest), 10, &nr)) {
		if (rest)
			rest[-1] = ' ';	/* undo strsep() for the message */
		pr_err("movcompat: domain %s: evacuate: expected \"START_PFN NR_PAGES\" (decimal), got \"%s\"\n",
		       core->dom->name, first);
		return -EINVAL;
	}
	ret = movcompat_domain_evacuate(core->dom, start, nr);
	if (ret < 0)
		return ret;
	return ret ? -EBUSY : len;
}

static const struct file_operations evacuate_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = evacuate_write,
	.llseek = noop_llseek,
};

static void core_debugfs_init(struct movcompat_core *core)
{
	char name[64];
	struct dentry *dir;

	/*
	 * named after the module too, so that two modules' domains of one
	 * name never share a directory: movcompat-MODULE, or
	 * movcompat-MODULE.DOMAIN when the domain is named otherwise
	 */
	if (!strcmp(core->dom->name, KBUILD_MODNAME))
		snprintf(name, sizeof(name), "movcompat-%s", KBUILD_MODNAME);
	else
		snprintf(name, sizeof(name), "movcompat-%s.%s", KBUILD_MODNAME,
			 core->dom->name);
	dir = debugfs_create_dir(name, NULL);
	if (IS_ERR_OR_NULL(dir)) {
		pr_warn("movcompat: domain %s: no debugfs directory %s (name taken?); the core works without it\n",
			core->dom->name, name);
		return;
	}
	core->debugfs = dir;
	debugfs_create_file("stats", 0400, dir, core, &stats_fops);
	debugfs_create_file("compact", 0200, dir, core, &compact_fops);
	debugfs_create_file("evacuate", 0200, dir, core, &evacuate_fops);
#ifdef MOVCOMPAT_FAULT_INJECTION
	debugfs_create_atomic_t("fail_dst_alloc", 0600, dir,
				&core->faults.fail_dst_alloc);
	debugfs_create_atomic_t("fail_migrate", 0600, dir,
				&core->faults.fail_migrate);
	debugfs_create_atomic_t("fail_track", 0600, dir,
				&core->faults.fail_track);
	debugfs_create_u32("delay_isolated_ms", 0600, dir,
			   &core->faults.delay_isolated_ms);
	debugfs_create_u32("delay_track_ms", 0600, dir,
			   &core->faults.delay_track_ms);
#endif
}

static void core_debugfs_exit(struct movcompat_core *core)
{
	/* waits for handlers running in these files to return */
	debugfs_remove_recursive(core->debugfs);
	core->debugfs = NULL;
}

#else

static void core_debugfs_init(struct movcompat_core *core)
{
}

static void core_debugfs_exit(struct movcompat_core *core)
{
}

#endif

int movcompat_core_triggers_init(struct movcompat_core *core)
{
	INIT_DELAYED_WORK(&core->offline_work, core_offline_work);
	core->memory_nb.notifier_call = core_memory_notify;
	core->zone_movable = IS_ENABLED(CONFIG_MEMORY_HOTREMOVE) &&
			     !register_memory_notifier(&core->memory_nb);
	core_debugfs_init(core);
	return 0;
}

void movcompat_core_triggers_exit(struct movcompat_core *core)
{
	core_debugfs_exit(core);
	/* waits for a running offline pass (the notifier chain's rwsem) */
	if (core->zone_movable && !MOVCOMPAT_BROKEN(TEARDOWN))
		unregister_memory_notifier(&core->memory_nb);
	core_offline_set(core, false, 0, 0);
	cancel_delayed_work_sync(&core->offline_work);
}

#endif /* MOVCOMPAT_BACKEND_CORE */
