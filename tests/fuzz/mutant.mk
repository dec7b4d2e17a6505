# SPDX-License-Identifier: GPL-2.0
# A deliberately broken build of movram for the fuzz lane's mutation checks
# (tests/fuzz/guest-fuzz.sh, MC_FUZZ_MUTANTS): the example's source with
# one sed expression applied, built as module movram_$(MUTANT). The driver
# itself carries no test hooks. A mutant's Kbuild sets MUTANT and
# MUTANT_SED, then includes this file; the build fails when the expression
# no longer changes the source (the mutant would test nothing).
# ci/build.sh hashes the files listed in the mutant's .build-inputs (the
# example's source, this file) into its cache key.
include $(MOVCOMPAT_DIR)/compat/movcompat.mk
obj-m += movram_$(MUTANT).o
movram_$(MUTANT)-y := mutant_main.o $(movcompat-objs)
ccflags-y += $(movcompat-ccflags)
targets += mutant_main.c

$(obj)/mutant_main.c: $(MOVCOMPAT_DIR)/drivers-examples/movram/movram_main.c $(MOVCOMPAT_DIR)/tests/fuzz/mutant.mk
	sed -e '$(MUTANT_SED)' $< >$@
	if cmp -s $< $@; then echo "mutant $(MUTANT): the sed expression no longer changes movram_main.c: update it" >&2; rm -f $@; exit 1; fi
