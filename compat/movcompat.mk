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
# Options (make command line or Kbuild):
#   MOVCOMPAT_GPL=n        the module is not GPL: GPL-only exports are unusable
#   MOVCOMPAT_BACKEND=none force the hook-less backend (testing)
#
# The kernel is probed once per kernel (.config + Module.symvers), cached.

MOVCOMPAT_DIR := $(abspath $(MOVCOMPAT_DIR))
MOVCOMPAT_GPL ?= y
mc_out := $(abspath $(obj))/movcompat

ifeq ($(wildcard $(MOVCOMPAT_DIR)/compat/probe.sh),)
$(error movcompat: MOVCOMPAT_DIR=$(MOVCOMPAT_DIR) is not a movcompat tree (no compat/probe.sh); vendor movcompat into the driver or pass MOVCOMPAT_DIR=/path/to/movcompat)
endif

mc_probe_rc := $(shell mkdir -p $(mc_out) && \
	for f in $(MOVCOMPAT_DIR)/compat/*.c $(MOVCOMPAT_DIR)/compat/*.h; do \
		ln -sf $$f $(mc_out)/; done && \
	sh $(MOVCOMPAT_DIR)/compat/probe.sh $(abspath $(objtree)) $(mc_out)/movcompat_config.h \
		'$(CC)' $(MOVCOMPAT_GPL) >&2; echo $$?)
ifneq ($(mc_probe_rc),0)
$(error movcompat: feature probes failed for $(objtree) (see the message above))
endif

movcompat-objs := movcompat/movcompat_domain.o movcompat/movcompat_aops.o
movcompat-ccflags := -I$(MOVCOMPAT_DIR)/include -I$(mc_out)
ifeq ($(MOVCOMPAT_BACKEND),none)
movcompat-ccflags += -DMOVCOMPAT_FORCE_BACKEND_NONE
endif
