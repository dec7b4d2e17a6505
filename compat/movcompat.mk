# SPDX-License-Identifier: GPL-2.0
#
# Include from a driver's Kbuild to build movcompat into the driver module:
#
#   MOVCOMPAT_DIR ?= $(src)/movcompat      # vendored copy, or pass
#                                          # MOVCOMPAT_DIR=/path/to/checkout
#   include $(MOVCOMPAT_DIR)/compat/movcompat.mk
#   obj-m += mydrv.o
#   mydrv-y := mydrv_main.o $(movcompat-objs)
#   ccflags-y += $(movcompat-ccflags)
#
# A driver with kernel differences of its own probes them the same way:
#   MOVCOMPAT_PROBE_DIRS := $(src)/probes       # before the include
# one NAME.c per feature there (it must compile exactly where the feature
# exists; see compat/probe.sh), optionally an exports.list, and the
# generated movcompat_config.h defines MOVCOMPAT_HAVE_<NAME> beside
# movcompat's own (drivers-examples/movram/probes is an example).
#
# Options (make command line or Kbuild):
#   MOVCOMPAT_GPL=n        the module is not GPL: GPL-only exports are unusable
#   MOVCOMPAT_BACKEND=core force movcompat's own migration core (compare it
#                          with the kernel's migration on 6.0-6.16)
#   MOVCOMPAT_BACKEND=none force pages that are never moved (testing)
#   MOVCOMPAT_FAULTS=y     test builds: fault-injection points (debugfs knobs)
#   MOVCOMPAT_INDEX=radix  test builds: page indexes on the radix tree that
#                          kernels before 4.20 use, on any kernel
#   MOVCOMPAT_BREAK=rule   protocol tests only: break one rule of the core
#                          (released, eagain, putback, tail, isolated, dst_fail,
#                          teardown, cancel)
#
# The kernel is probed once per kernel (.config + Module.symvers), cached.

MOVCOMPAT_DIR := $(abspath $(MOVCOMPAT_DIR))
MOVCOMPAT_GPL ?= y
ifeq ($(MOVCOMPAT_GPL)/$(MOVCOMPAT_BACKEND),n/core)
$(error movcompat: MOVCOMPAT_BACKEND=core needs GPL-only exports (xas_*, kvfree_call_rcu, __rcu_read_lock) that a module with MOVCOMPAT_GPL=n cannot use: leave MOVCOMPAT_BACKEND unset (a non-GPL module gets aops, mops or none; docs/backends.md))
endif
mc_out := $(abspath $(obj))/movcompat_build

ifeq ($(wildcard $(MOVCOMPAT_DIR)/compat/probe.sh),)
$(error movcompat: MOVCOMPAT_DIR=$(MOVCOMPAT_DIR) is not a movcompat tree (no compat/probe.sh); vendor movcompat into the driver or pass MOVCOMPAT_DIR=/path/to/movcompat)
endif

mc_probe_rc := $(shell mkdir -p $(mc_out) && \
	for f in $(MOVCOMPAT_DIR)/compat/*.c $(MOVCOMPAT_DIR)/compat/*.h; do \
		ln -sf $$f $(mc_out)/; done && \
	sh $(MOVCOMPAT_DIR)/compat/probe.sh $(abspath $(objtree)) $(mc_out)/movcompat_config.h \
		'$(CC)' $(MOVCOMPAT_GPL) $(abspath $(MOVCOMPAT_PROBE_DIRS)) >&2; echo $$?)
ifneq ($(mc_probe_rc),0)
$(error movcompat: feature probes failed for $(abspath $(objtree)) (see the message above))
endif

# what the kernel's configuration leaves for movcompat (auto.conf is read;
# said once: modpost reads this file again)
ifeq ($(CONFIG_MODULES)$(filter %/Makefile.modpost,$(MAKEFILE_LIST)),y)
ifneq ($(CONFIG_MIGRATION),y)
$(warning movcompat: this kernel has no CONFIG_MIGRATION: nothing moves pages on it, so the domain's pages are never made movable nor placed in ZONE_MOVABLE or CMA; use a kernel with CONFIG_MIGRATION=y and CONFIG_COMPACTION=y to have them moved)
else ifneq ($(CONFIG_COMPACTION),y)
$(warning movcompat: this kernel has no CONFIG_COMPACTION: the native backends cannot move pages on it (movcompat_domain_pages_movable() is false); use a kernel with CONFIG_COMPACTION=y to have them moved)
endif
endif

movcompat-objs := movcompat_build/movcompat_domain.o movcompat_build/movcompat_aops.o \
	movcompat_build/movcompat_core.o movcompat_build/movcompat_core_triggers.o \
	movcompat_build/movcompat_core_pass.o movcompat_build/movcompat_core_protocol.o \
	movcompat_build/movcompat_core_place.o movcompat_build/movcompat_carrier.o \
	movcompat_build/movcompat_native_drain.o movcompat_build/movcompat_live.o \
	movcompat_build/movcompat_balloon.o
movcompat-ccflags := -I$(MOVCOMPAT_DIR)/include -I$(mc_out)
ifeq ($(MOVCOMPAT_GPL),y)
movcompat-ccflags += -DMOVCOMPAT_MODULE_GPL
endif
ifeq ($(MOVCOMPAT_BACKEND),none)
movcompat-ccflags += -DMOVCOMPAT_FORCE_BACKEND_NONE
else ifeq ($(MOVCOMPAT_BACKEND),core)
movcompat-ccflags += -DMOVCOMPAT_FORCE_BACKEND_CORE
else ifneq ($(MOVCOMPAT_BACKEND),)
$(error movcompat: MOVCOMPAT_BACKEND=$(MOVCOMPAT_BACKEND) is not a backend you can force; use core or none, or leave it unset for the automatic choice)
endif
ifeq ($(MOVCOMPAT_INDEX),radix)
movcompat-ccflags += -DMOVCOMPAT_FORCE_RADIX_TREE
else ifneq ($(MOVCOMPAT_INDEX),)
$(error movcompat: MOVCOMPAT_INDEX=$(MOVCOMPAT_INDEX) is not an index you can force; use radix (the pre-4.20 page index), or leave it unset)
endif
ifeq ($(MOVCOMPAT_FAULTS),y)
movcompat-ccflags += -DMOVCOMPAT_FAULT_INJECTION
endif
ifneq ($(MOVCOMPAT_BREAK),)
mc_break_rules := released eagain putback tail isolated dst_fail teardown cancel
ifeq ($(filter $(MOVCOMPAT_BREAK),$(mc_break_rules)),)
$(error movcompat: MOVCOMPAT_BREAK=$(MOVCOMPAT_BREAK) unknown; one of: $(mc_break_rules))
endif
movcompat-ccflags += -DMOVCOMPAT_BREAK_$(shell echo $(MOVCOMPAT_BREAK) | tr a-z A-Z)=1 -DMOVCOMPAT_FAULT_INJECTION
endif
