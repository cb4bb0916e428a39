# sqlrl: `make demo` sets everything up and runs the quick-start job; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
# The CPU build of torch, installed first so nothing pulls the multi-GB CUDA wheels.
# On a GPU machine: make install TORCH_SPEC=torch
TORCH_SPEC ?= torch==2.13.0
EXTRAS ?= dev
BIN = $(VENV)/bin
DEMO_DIR ?= runs/demo
DEMO_SEED ?= 0

.PHONY: install demo test test-slow lint bench reliability reliability-slow reproduce clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q "$(TORCH_SPEC)"
	$(BIN)/python -m pip install -q -e ".[$(EXTRAS)]"
	touch $@

install: $(BIN)/.installed

# The quick start: EX of the default model on the demo test split, after a short SFT warm start, after GRPO on
# top; then the training curves (curves.png) and one table of the three (compare.md, compare_by_difficulty.png).
demo: install
	$(BIN)/sqlrl models pull
	rm -rf $(DEMO_DIR)
	$(BIN)/sqlrl eval --model default --dataset demo --split test --out $(DEMO_DIR)/eval-before
	$(BIN)/sqlrl sft --recipe demo_sft --output-dir $(DEMO_DIR)/sft data.seed=$(DEMO_SEED)
	$(BIN)/sqlrl eval --model $(DEMO_DIR)/sft/final --dataset demo --split test --out $(DEMO_DIR)/eval-sft
	$(BIN)/sqlrl train --recipe demo_grpo --output-dir $(DEMO_DIR)/grpo model.name=$(DEMO_DIR)/sft/final \
		data.seed=$(DEMO_SEED)
	$(BIN)/sqlrl eval --model $(DEMO_DIR)/grpo/final --dataset demo --split test --out $(DEMO_DIR)/eval-after
	$(BIN)/sqlrl curves $(DEMO_DIR)/sft $(DEMO_DIR)/grpo --out $(DEMO_DIR)/curves.png
	$(BIN)/sqlrl eval compare $(DEMO_DIR)/eval-before $(DEMO_DIR)/eval-sft $(DEMO_DIR)/eval-after --out $(DEMO_DIR)

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check src tests benchmarks

test-slow: install
	$(BIN)/python -m pytest -q -m slow

bench: install
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

# RELIABILITY.md's figures: hostile SQL, fuzzing, load, bad data (add --slow for crash recovery).
reliability: install
	$(BIN)/python benchmarks/reliability.py

reliability-slow: install
	$(BIN)/python benchmarks/reliability.py --slow

# The README's results: base -> SFT -> GRPO on Spider, all of Spider dev evaluated (hours on CPU; resumable).
reproduce: install
	$(BIN)/python benchmarks/reproduce.py

clean:
	rm -rf $(VENV) runs build *.egg-info
