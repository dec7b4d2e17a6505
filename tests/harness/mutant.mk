# SPDX-License-Identifier: GPL-2.0
# A deliberately broken build of a module, for a test's mutation check: the
# module's source with one sed expression applied, built as module
# $(MUTANT_MODULE). The source itself carries no test hooks. A mutant's
# Kbuild sets MUTANT_MODULE, MUTANT_SRC (the source, a path in the
# repository), MUTANT_SED and optionally MUTANT_CCFLAGS, then includes
# this file; the build fails when the expression no longer changes the
# source (the mutant would test nothing). The source's own directory is on
# the include path, for its local headers. ci/build.sh hashes the files
# listed in the mutant's .build-inputs (the source, this file) into its
# cache key.
include $(MOVCOMPAT_DIR)/compat/movcompat.mk
obj-m += $(MUTANT_MODULE).o
$(MUTANT_MODULE)-y := mutant_main.o $(movcompat-objs)
ccflags-y += $(movcompat-ccflags) -I$(MOVCOMPAT_DIR)/$(dir $(MUTANT_SRC)) $(MUTANT_CCFLAGS)
targets += mutant_main.c

$(obj)/mutant_main.c: $(MOVCOMPAT_DIR)/$(MUTANT_SRC) $(MOVCOMPAT_DIR)/tests/harness/mutant.mk
	sed -e '$(MUTANT_SED)' $< >$@
	if cmp -s $< $@; then echo "mutant $(MUTANT_MODULE): the sed expression no longer changes $(MUTANT_SRC): update it" >&2; rm -f $@; exit 1; fi
