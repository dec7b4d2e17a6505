// SPDX-License-Identifier: GPL-2.0
/*
 * mc_warn - the harness's negative test: loading it fires one WARN_ON, which
 * the console scanner must catch and turn into a failed run.
 */
#include <linux/module.h>
#include <linux/bug.h>

static bool fire = true;
module_param(fire, bool, 0444);
MODULE_PARM_DESC(fire, "fire the warning at load (default: yes)");

static int __init mc_warn_init(void)
{
	WARN_ON(fire);
	return 0;
}

static void __exit mc_warn_exit(void)
{
}

module_init(mc_warn_init);
module_exit(mc_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("movcompat harness negative test: fires WARN_ON at load");
