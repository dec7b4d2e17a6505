// SPDX-License-Identifier: GPL-2.0
/*
 * core backend: movcompat's own, module-side migration core for kernels
 * that give drivers no way to make their pages movable (6.17+, < 4.8), and
 * for any kernel when built with MOVCOMPAT_BACKEND=core. This file: a
 * domain's core, created and destroyed. The rest, by step:
 *   movcompat_core_triggers.c  what starts a pass (memory notifier, debugfs)
 *   movcompat_core_pass.c      migrating lists, sweeping, evacuating, compacting
 *   movcompat_core_protocol.c  isolate -> migrate -> putback, pages in and out
 *   movcompat_core_place.c     where pages and destinations are allocated
 * Calls go down that list (this file first), never back up; state shared
 * by all of them is in movcompat_core.h.
 */
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <movcompat/movcompat.h>
#include "movcompat_core.h"
#include "movcompat_core_table.h"
#include "movcompat_internal.h"

#ifdef MOVCOMPAT_BACKEND_CORE

#ifdef MOVCOMPAT_FAULT_INJECTION
int movcompat_fail_track_init;
module_param_named(movcompat_fail_track, movcompat_fail_track_init, int, 0444);
MODULE_PARM_DESC(movcompat_fail_track, "test builds: make_movable finds no memory to track this many pages");
#endif

int movcompat_core_domain_init(struct movcompat_domain *dom,
			       unsigned int flags)
{
	struct movcompat_core *core;
	int ret;

	core = kzalloc(sizeof(*core), GFP_KERNEL);
	if (!core)
		return -ENOMEM;
	core->dom = dom;
#ifdef MOVCOMPAT_HAVE_CARRIER
	xa_init(&core->pages);
#endif
	mc_index_init(&core->table);
	init_rwsem(&core->teardown);
	movcompat_faults_init(&core->faults);
	core->gfp = GFP_KERNEL | __GFP_HIGHMEM;
	spin_lock_init(&core->offline_lock);
	dom->core = core;
	if (flags & MOVCOMPAT_DOMAIN_BALLOON_CARRIER) {
#ifdef MOVCOMPAT_HAVE_CARRIER
		ret = movcompat_carrier_init(dom);
		if (ret)
			goto err;
#else
		pr_info("movcompat: domain %s: no balloon carrier on this kernel or for this module's licence; the core moves its pages\n",
			dom->name);
#endif
	}
	ret = movcompat_core_triggers_init(core);
	if (ret)
		goto err;
	return 0;
err:
#ifdef MOVCOMPAT_HAVE_CARRIER
	movcompat_carrier_exit(dom);
#endif
	dom->core = NULL;
	kfree(core);
	return ret;
}

void movcompat_core_domain_destroy(struct movcompat_domain *dom)
{
	struct movcompat_core *core = dom->core;

	/* no new pass from the kernel (notifier) or from debugfs */
	movcompat_core_triggers_exit(core);
	/* wait for passes still running (API, debugfs, notifier) */
	if (!MOVCOMPAT_BROKEN(TEARDOWN)) {
		down_write(&core->teardown);
		up_write(&core->teardown);
	}
#ifdef MOVCOMPAT_HAVE_CARRIER
	/* gives back every carried page the driver did not release */
	movcompat_carrier_exit(dom);
#endif
	if (!core->carrier && atomic_long_read(&dom->nr_movable))
		movcompat_core_move_leftovers_out(dom);
#ifdef MOVCOMPAT_HAVE_CARRIER
	xa_destroy(&core->pages);
#endif
	mc_table_destroy(&core->table);
	dom->core = NULL;
	kfree(core);
}

/**
 * movcompat_core_orphan_teardown() - tear a domain's core down when its
 *	module is freed without movcompat_domain_destroy() (movcompat_live.c).
 * @core: the core (the domain itself may be gone with the driver's data).
 * @name: the domain's name, for messages.
 *
 * Stops the triggers, waits for running passes, takes carried pages back
 * from the kernel, and says how many pages stay in ZONE_MOVABLE. No driver
 * callback runs: the driver's data may be freed already.
 */
void movcompat_core_orphan_teardown(struct movcompat_core *core,
				    const char *name)
{
	unsigned long left;

	movcompat_core_triggers_exit(core);
	down_write(&core->teardown);
	up_write(&core->teardown);
#ifdef MOVCOMPAT_HAVE_CARRIER
	movcompat_carrier_orphan_exit(core, name);
#endif
	left = movcompat_core_count_zone_movable(core);
	if (left)
		pr_err("movcompat: domain %s: %lu of its pages stay in ZONE_MOVABLE, where nothing can move them now: offlining their memory blocks will fail\n",
		       name, left);
#ifdef MOVCOMPAT_HAVE_CARRIER
	xa_destroy(&core->pages);
#endif
	mc_table_destroy(&core->table);
	kfree(core);
}

#endif /* MOVCOMPAT_BACKEND_CORE */
