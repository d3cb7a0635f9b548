# Verity — the two commands of the README are `make run` and `make test`.
SWIFT        ?= swift
# One release build serves the tests, the notebooks and the benchmark (numeric code is 10–100×
# slower in debug builds). -enable-testing lets the tests reach internal symbols.
SWIFTFLAGS   ?= -c release -Xswiftc -enable-testing
VERITY       := .build/release/verity
# No thread count is pinned: results are the same bits at any count (README, "One arithmetic"), so
# the suite runs at the machine's default; OPENBLAS_NUM_THREADS=1 make test checks one thread.

.PHONY: deps build run test notebooks-full test-interop bench bench-qwen05 fuzz clean

deps:
	@bash scripts/deps.sh

build: deps
	$(SWIFT) build $(SWIFTFLAGS)

# The main job: replay the quickstart notebook, writing its outputs and plots. A replayed notebook
# may only touch files in its own folder; the project's notebooks also use the top-level plots/.
run: build
	$(VERITY) run notebooks/quickstart.md --write --allow plots

# The whole test suite: unit and integration tests, then every notebook replayed with --check.
# --short stops a long notebook at its `<!-- verity: short run ends here -->` mark (the cells above
# it are still checked against the full recording); `make notebooks-full` replays them all.
# Tests run one at a time: the kernels' thread pool is process-wide, and numeric tests that compare
# two runs bit for bit must not share the cores (and that setting) with other tests. The unit
# tests take about a minute, the notebooks about eleven (mostly their multi-seed cells).
test: deps
	$(SWIFT) build $(SWIFTFLAGS)
	$(SWIFT) test $(SWIFTFLAGS) --no-parallel
	@if [ -x $(VERITY) ] && $(VERITY) run --help >/dev/null 2>&1; then \
	  for nb in notebooks/*.md; do [ -e "$$nb" ] || continue; echo "notebook $$nb"; $(VERITY) run "$$nb" --check --short --allow plots || exit 1; done; \
	fi

# Every notebook replayed in full and checked, the long parts included (about 30 minutes).
notebooks-full: build
	for nb in notebooks/*.md; do echo "notebook $$nb"; $(VERITY) run "$$nb" --check --allow plots || exit 1; done

# Verity against llama.cpp's server (llama-cpp-python), serving a GGUF file Verity writes: greedy
# evaluation identical to the local model's, sampled pass@k and maj@k within 0.1. Not part of
# `make test`: the first run builds llama.cpp from source (~5 min; cached in .build/interop-venv).
test-interop: build
	bash scripts/interop.sh

bench: build
	$(VERITY) bench
	@if python3 -c 'import torch' 2>/dev/null; then python3 bench/torch_reference.py; \
	else echo "bench: torch not importable; skipping the PyTorch reference (pip install torch)"; fi

# A real model's shape (Qwen2.5-0.5B, random weights): save, load, sample at B = 1 and 16, then
# transformers on the same checkpoint folder. Needs ~8 GB of memory and 2 GB in $$TMPDIR.
bench-qwen05: build
	$(VERITY) bench --config qwen05
	@if python3 -c 'import torch, transformers' 2>/dev/null; then python3 bench/torch_reference.py --qwen05 $${TMPDIR:-/tmp}/verity-bench-qwen05; \
	else echo "bench-qwen05: torch or transformers not importable; skipping the reference (pip install torch transformers)"; fi

# The long fuzzing pass (the test suite runs a short one): generated command lines in child
# processes; fails on a crash or a changed protected file. SEED=N picks another stream.
fuzz: build
	$(VERITY) fuzz --lines 100000 --replays 2000 --readers 10000 --seed $${SEED:-1}

clean:
	rm -rf .build
