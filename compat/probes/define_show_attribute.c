// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_DEFINE_SHOW_ATTRIBUTE
 * DEFINE_SHOW_ATTRIBUTE(name) makes name_fops from name_show().
 * Added in v4.16 (commit not verified) by "seq_file: introduce
 *   DEFINE_SHOW_ATTRIBUTE() helper macro" (Andy Shevchenko).
 */
#include <linux/module.h>
#include <linux/seq_file.h>

static int movcompat_probe_show(struct seq_file *m, void *v)
{
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(movcompat_probe);

const struct file_operations *movcompat_probe_ops = &movcompat_probe_fops;
