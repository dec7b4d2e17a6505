# SPDX-License-Identifier: GPL-2.0
#
# movcompat top-level Makefile. Every target is a thin wrapper around a
# script in ci/; run 'make help' for the list.
#
#   KERNELS=...   kernel keys from ci/kernels.list, or required|optional|all
#   MOVCOMPAT_CACHE=DIR  download/chroot cache (default ~/.cache/movcompat)

DEFAULT_KERNEL := 6.1
KERNELS ?= required

.PHONY: all matrix vmtest test test-debug soak demo deps probes bench cocci-test lint vendor support-matrix sign check-tree clean distclean help

all: deps
	@bash ci/matrix.sh --kernels "$(DEFAULT_KERNEL)" --build-only

matrix: deps
	@bash ci/matrix.sh --kernels "$(if $(filter command line,$(origin KERNELS)),$(KERNELS),all)" --build-only

vmtest: deps
	@bash ci/matrix.sh --kernels "$(KERNELS)"

test:
	@bash ci/test.sh --kernels "$(KERNELS)"

test-debug:
	@bash ci/test.sh --kernel-only --kernels "$(if $(filter command line,$(origin KERNELS)),$(KERNELS),debug)"

soak:
	@bash ci/soak.sh --kernels "$(KERNELS)" $(if $(SOAK_S),--seconds "$(SOAK_S)")

demo: deps
	@bash ci/demo.sh

deps:
	@bash ci/deps.sh

probes: deps
	@bash ci/probes.sh --cold --kernels "$(KERNELS)"

bench: deps
	@bash ci/bench.sh --kernels "$(KERNELS)"

cocci-test:
	@bash ci/cocci-test.sh

lint:
	@bash ci/lint.sh

vendor:
	@bash ci/vendor.sh "$(DEST)"

support-matrix:
	@bash ci/support-matrix.sh

check-tree:
	@bash ci/check-tree.sh "$(KDIR)" $(if $(SYMVERS),--symvers "$(SYMVERS)") $(if $(filter command line,$(origin CC)),--cc "$(CC)")

sign:
	@bash ci/sign.sh --key "$(KEY)" --cert "$(CERT)" --kernels "$(if $(filter command line,$(origin KERNELS)),$(KERNELS),$(DEFAULT_KERNEL))"

clean:
	rm -rf build

distclean: clean
	rm -rf "$${MOVCOMPAT_CACHE:-$$HOME/.cache/movcompat}"

help:
	@echo "make           build everything for the default kernel ($(DEFAULT_KERNEL))"
	@echo "make matrix    build for every kernel in ci/kernels.list (KERNELS=... to narrow)"
	@echo "make vmtest    build and boot the VM tests (KERNELS=required by default)"
	@echo "make test      everything CI checks; ends with 'N passed, N failed'"
	@echo "make test-debug  the VM tests on the debug kernels (KASAN, lockdep, DEBUG_VM; built once, long)"
	@echo "make soak      timed concurrent I/O, allocation and migration per kernel (SOAK_S=seconds per boot)"
	@echo "make probes    print the feature-probe table per kernel (KERNELS=...)"
	@echo "make bench     benchmarks (figures side by side, ratios from one run)"
	@echo "make cocci-test  the semantic patches' tests (cases, idempotence, compiled results)"
	@echo "make lint      checkpatch --strict, sparse and shellcheck on movcompat's own code"
	@echo "make vendor DEST=dir  copy what a driver needs of movcompat into dir (with a VERSION stamp)"
	@echo "make support-matrix  docs/support-matrix.md from the last make test's results"
	@echo "make sign KEY=key.pem CERT=cert.pem  sign the built modules with the kernel's sign-file"
	@echo "make check-tree KDIR=tree [SYMVERS=file]  probes, backend and every module built against any kernel tree"
	@echo "make demo      the main job: build for $(DEFAULT_KERNEL), boot it, show the result"
	@echo "make clean     remove build/ (distclean also removes the download cache)"
