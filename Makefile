# lacosim: the user interface (architecture.md section 6). Every target sets itself up on first use.
#   make sim TEST=<name> [SEED=n] [CORES=n] [WAVES=1] [WAVE_FROM=c WAVE_TO=c] [TRACE=1] [MAX_CYCLES=n]
#   make sim ELF=<path> [CORES=n] [LOCKSTEP=0|1|inproc|beside] [BUG=<planted RTL bug>] [SW_BUG=1 (seed-bug software)]
#   make test | make lint | make bench [BENCH_REPEAT=n] | make iss ELF=<path> | make regress [SEEDS=n] [JOBS=n] | make list-tests
#   make mutate [MUTANTS='id glob ...'] [JOBS=n] [TESTS='glob ...']

SHELL       := /bin/bash
PYTHON_HOST ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.lacosim-setup
BUILD       := build
# QEMU is the oracle; lz4/zlib headers let Verilator write FST waves; ccache halves a mutant's model build
# (make mutate: the Verilator runtime and mains are the same for every mutant).
DEBIAN_PKGS := qemu-system-misc liblz4-dev zlib1g-dev ccache

.DEFAULT_GOAL := help
.PHONY: help setup sw sim test lint bench iss regress mutate clean list-tests

help:
	@sed -n '2,6p' Makefile | sed 's/^# *//'

# ---------------------------------------------------------------------------------------------
# Setup: the venv with the pinned PyPI packages, lacosim installed editable, and Debian's QEMU (the
# oracle) plus the headers Verilator's FST writer needs. Re-run only when the pins change.
$(STAMP): requirements.txt tb/pyproject.toml
	@echo "lacosim: setting up $(VENV) (pinned packages from requirements.txt)"
	@test -x $(PY) || $(PYTHON_HOST) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -r requirements.txt
	@PYTHONWARNINGS=ignore $(PY) -m pip install --quiet --no-deps -e tb 2>&1 | grep -v -e '^ *!!' -e '^ *\*\*\*' -e 'editable' -e 'careful with folders' -e 'may take precedence' -e 'WheelFile' -e '^ *$$' || true
	@{ command -v qemu-system-loongarch64 && command -v ccache && test -f /usr/include/lz4.h && test -f /usr/include/zlib.h; } >/dev/null || { \
	  echo "lacosim: installing Debian packages: $(DEBIAN_PKGS)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PKGS) >/dev/null \
	  || { echo "lacosim: could not install them: run 'sudo apt-get install $(DEBIAN_PKGS)'"; exit 1; }; }
	@touch $@

setup: $(STAMP)

sw: $(STAMP)
	@$(MAKE) --no-print-directory -C sw BUILD=$(abspath $(BUILD)) PYTHON=$(abspath $(PY))

# ---------------------------------------------------------------------------------------------
# Every knob the user set goes to Python as typed (NAME=value), so a bad value is reported by its name
# (lacosim/knobs.py) instead of being dropped.
SIM_KNOBS := TEST ELF SEED CORES WAVES WAVE_FROM WAVE_TO TRACE MAX_CYCLES LOCKSTEP BUG SW_BUG STRICT AUTO_WAVES MUTANT
MAKE_T0   := $(shell date +%s.%N)
SIM_ARGS  := $(foreach k,$(SIM_KNOBS),$(if $(filter command line,$(origin $(k))),'$(k)=$($(k))'))

# The start of `make sim` for the start-up timeline (lacosim/startup.py): evaluated once, as make starts.
sim: export LACOSIM_MAKE_T0 := $(MAKE_T0)
sim: sw
	@$(PY) -m lacosim sim $(SIM_ARGS)

list-tests: $(STAMP)
	@$(PY) -m lacosim tests

iss: sw
	@test -n "$(ELF)" || { echo "usage: make iss ELF=<path> [MAX_INSNS=n] [CORES=n] [SEED=n (tlbfill's LFSR)]"; exit 2; }
	@$(PY) -m lacosim.iss '$(ELF)' $(if $(MAX_INSNS),--max-insns '$(MAX_INSNS)') $(if $(CORES),--cores '$(CORES)') $(if $(SEED),--tlb-seed '$(SEED)')

test: sw
	@$(PY) -m pytest -q tests

lint: $(STAMP)
	@$(PY) -m lacosim lint && echo "verilator --lint-only -Wall: clean"
	@$(VENV)/bin/ruff check tb tests && echo "ruff: clean"

bench: sw
	@$(PY) -m lacosim.bench

# make regress [SEEDS=n] [JOBS=n] [FIRST_SEED=n] [TESTS='hello host_* elf-* random'] [BUG=<planted bug>]
#              [AUTO_WAVES=0] [REGRESS_CONFIG=sim/regress/slurm.py] [REGRESS_HISTORY=path.sqlite]
SEEDS ?= 3
JOBS  ?= 2
regress: sw
	@$(PY) -m lacosim.regress --seeds '$(SEEDS)' --jobs '$(JOBS)' $(if $(FIRST_SEED),--first-seed '$(FIRST_SEED)') $(if $(TESTS),--tests '$(TESTS)') $(if $(BUG),--bug '$(BUG)') $(if $(AUTO_WAVES),--auto-waves '$(AUTO_WAVES)') $(if $(REGRESS_CONFIG),--config '$(REGRESS_CONFIG)') $(if $(REGRESS_HISTORY),--history '$(REGRESS_HISTORY)')

# make mutate [MUTANTS='id1 alu_*'] [JOBS=n] [TESTS='glob ...']: every RTL mutation of
# tb/lacosim/mutate/mutations.toml against the positive simulation tests; build/mutate/report.html, junit.xml
mutate: sw
	@$(PY) -m lacosim.mutate --jobs '$(if $(filter command line,$(origin JOBS)),$(JOBS),1)' $(if $(MUTANTS),--mutants '$(MUTANTS)') $(if $(filter command line,$(origin TESTS)),--tests '$(TESTS)')

clean:
	rm -rf $(BUILD)
