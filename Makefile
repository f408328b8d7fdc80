# Developer tasks. A fresh clone needs only `make demo` and `make test`.

SHELL := bash
.DEFAULT_GOAL := test

PYTHON ?= $(or $(shell command -v python3.11 2>/dev/null),python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := .make/venv.stamp

.PHONY: venv runtime-bins proto devdb-url devdb-stop graphviz test test-python test-rust fuzz demo bench bench-core bench-executor bench-peers golden guide pictures fmt clean distclean

# Reinstall only when pyproject.toml changes; the stamp records the last install.
# The install builds the runtime's executables (pyproject.toml, setuptools-rust);
# after it, `runtime-bins` rebuilds them when runtime-rs/ changed (cargo decides,
# in well under a second when nothing did) and refreshes the copies in $(BIN).
venv: $(STAMP) runtime-bins

RUNTIME_BINS := start-workers rappel-bridge boot-rappel-singleton rrl bench bench_instances parse_bench_logs
runtime-bins: $(STAMP)
	@cd runtime-rs && nice cargo build --quiet --release --locked --bins
	@for bin in $(RUNTIME_BINS); do \
		built=runtime-rs/target/release/$$bin; \
		if [ -x "$$built" ] && ! cmp -s "$$built" $(BIN)/$$bin; then install -m 755 "$$built" $(BIN)/$$bin; fi; \
	done

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "error: rappel needs Python 3.11+ in $(VENV); remove it and set PYTHON=python3.11"; exit 1; }
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@mkdir -p $(@D) && touch $@

# The Python code of proto/ (sdk/rappel/_proto/, committed); tests/sdk/test_proto.py
# fails when it is stale.
proto: venv
	$(BIN)/python scripts/gen_proto.py

# The database URL the local commands use: RAPPEL_DATABASE_URL, else an embedded
# PostgreSQL in .rappel/pgdata (started on first use, running until devdb-stop).
devdb-url: venv
	@$(BIN)/python -m rappel.devdb url

devdb-stop: venv
	@$(BIN)/python -m rappel.devdb stop

# SVG/PNG rendering needs Graphviz's `dot`; install it where we can (CI runs as root
# on Debian), otherwise those tests are skipped.
graphviz:
	@if command -v dot >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Graphviz (dot) with apt-get"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends graphviz >/dev/null; \
	else \
		echo "note: Graphviz's dot is not installed, so SVG/PNG tests will be skipped" \
			"(apt-get install graphviz / brew install graphviz)"; \
	fi

test: test-python test-rust

test-python: venv graphviz
	$(BIN)/pytest -q

# The Rust implementation of RRL (runtime-rs/): formatting, lints, then its tests.
# The store's tests need a real Postgres: RAPPEL_DATABASE_URL, else the local
# server when it answers, else the embedded one (python -m rappel.devdb).
LOCAL_DATABASE_URL := postgresql://postgres@127.0.0.1:5432/test
test-rust: venv
	cd runtime-rs && cargo fmt --all --check
	cd runtime-rs && cargo clippy --quiet --all-targets --locked -- -D warnings
	cd runtime-rs && if [ -z "$$RAPPEL_DATABASE_URL" ]; then \
		if pg_isready -q -d '$(LOCAL_DATABASE_URL)' 2>/dev/null; then url='$(LOCAL_DATABASE_URL)'; \
		else url="$$(../$(BIN)/python -m rappel.devdb url)" || exit 1; fi; \
		export RAPPEL_DATABASE_URL="$$url"; fi; \
		cargo test --quiet --locked

# A longer run of the parser fuzzing, of the differential tests against the
# Python implementation, and of the fuzzing of rappel check/compile/fmt
# (make test runs a few thousand cases of the first two, 600 of the last).
FUZZ_CASES ?= 200000
DIFFERENTIAL_CASES ?= 20000
TOOLCHAIN_FUZZ_EXAMPLES ?= 5000
fuzz: venv
	cd runtime-rs && RRL_FUZZ_CASES=$(FUZZ_CASES) RRL_FUZZ_SECONDS=1800 cargo test --release --locked --test fuzz
	RRL_DIFFERENTIAL_CASES=$(DIFFERENTIAL_CASES) RRL_DIFFERENTIAL_EXAMPLES=$(DIFFERENTIAL_CASES) RRL_EVAL_CASES=$(DIFFERENTIAL_CASES) $(BIN)/pytest -q tests/rust
	RAPPEL_FUZZ_EXAMPLES=$(TOOLCHAIN_FUZZ_EXAMPLES) $(BIN)/pytest -q tests/fuzz

demo: venv
	$(BIN)/python examples/welcome_email.py

# Figures only, never asserted: docs/benchmarks.md holds the latest. Last, the
# runtime's throughput (`make bench-runtime` alone): bench and bench_instances with
# one start-workers, then two, then one sequential instance of 300 steps (step-to-step
# latency) and one fanning out 1,000 actions (its wall time), each in a scratch
# database on RAPPEL_DATABASE_URL's server (else the local one, else the embedded
# one), in one parse_bench_logs table.
BENCH_LOG := runtime-rs/target/bench-runtime.log
BENCH_ERR := runtime-rs/target/bench-runtime.err
.PHONY: bench-runtime
bench: venv bench-core bench-executor
	$(BIN)/python tests/bench/check_speed.py
	@$(MAKE) --no-print-directory bench-runtime

bench-runtime: venv
	cd runtime-rs && cargo build --quiet --release --locked -p rappel-server \
		--bin bench --bin bench_instances --bin parse_bench_logs
	@if [ -z "$$RAPPEL_DATABASE_URL" ]; then \
		if pg_isready -q -d '$(LOCAL_DATABASE_URL)' 2>/dev/null; then url='$(LOCAL_DATABASE_URL)'; \
		else url="$$($(BIN)/python -m rappel.devdb url)" || exit 1; fi; \
		export RAPPEL_DATABASE_URL="$$url"; fi; \
		export RAPPEL_PYTHON="$(abspath $(BIN))/python"; R=runtime-rs/target/release; \
		: > $(BENCH_LOG); : > $(BENCH_ERR); for n in 1 2; do \
		for run in "bench --messages 50000" "bench_instances --instances 15000"; do \
		$$R/$$run --start-workers $$n >> $(BENCH_LOG) 2>> $(BENCH_ERR) \
			|| { tail -n 5 $(BENCH_ERR); exit 1; }; \
		done; done; \
		for run in "--workflow sequential --steps 300" "--workflow fanout --fanout 1000"; do \
		$$R/bench_instances $$run >> $(BENCH_LOG) 2>> $(BENCH_ERR) \
			|| { tail -n 5 $(BENCH_ERR); exit 1; }; \
		done; $$R/parse_bench_logs $(BENCH_LOG)

# Rappel beside DBOS and Procrastinate on the same workloads and the same Postgres
# server (tests/bench/peers/README.md), one table at the end. The peers run in a venv
# of their own (.bench/peers-venv, made on first use from PyPI). N, FANOUT, SEQ, REPS
# and LIBS override the sizes, the repetitions and the libraries.
PEERS_VENV := .bench/peers-venv
PEERS_PACKAGES ?= dbos==3.4.0 procrastinate==3.10.0 'psycopg[binary,pool]==3.3.9'
N ?= 2000
FANOUT ?= 1000
SEQ ?= 300
REPS ?= 1
LIBS ?= rappel,dbos,procrastinate
$(PEERS_VENV)/.stamp: Makefile
	@test -x $(PEERS_VENV)/bin/python || $(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/pip install --quiet --disable-pip-version-check $(PEERS_PACKAGES)
	@touch $@

bench-peers: venv $(PEERS_VENV)/.stamp
	$(BIN)/python tests/bench/peers/run.py --peers-python $(PEERS_VENV)/bin/python \
		--n $(N) --fanout $(FANOUT) --seq $(SEQ) --reps $(REPS) --libs $(LIBS)

# The Rust core beside the Python reference, on the same work: the golden
# corpus parsed and lowered, then pure steps evaluated.
bench-core: venv
	cd runtime-rs && cargo bench --quiet --locked --bench corpus_speed
	$(BIN)/python tests/bench/corpus_speed.py
	cd runtime-rs && cargo bench --quiet --locked --bench eval_speed
	$(BIN)/python tests/bench/eval_speed.py

# The executor's speed (issue 6, §5): the Rust machine, then the Python one on the same work.
bench-executor: venv
	cd runtime-rs && cargo bench --quiet --locked --bench executor_speed
	$(BIN)/python tests/bench/executor_speed.py

# Golden files are generated; review the diff this produces.
golden: venv
	$(BIN)/pytest tests/golden --snapshot-update -q

# The tables of docs/guide.md, made from compiler/rappel_compiler/dialect.py;
# tests/compiler/test_guide.py fails when they are stale.
guide: venv
	$(BIN)/python scripts/gen_guide.py

# The pictures of docs/pictures/ (docs/guide.md, "Seeing a workflow"): golden workflows
# drawn by `rappel visualize`. docs/pictures/before/ keeps how they looked before
# issue 10 and is not regenerated.
PICTURES := 60_order_fulfillment_saga.OrderFulfillmentWorkflow 61_etl_pipeline.NightlyEtlWorkflow \
	74_travel_booking_saga.TripBookingWorkflow 52_helper_calls_helper.ArticleDigestWorkflow
pictures: venv graphviz
	@for picture in $(PICTURES); do \
		$(BIN)/rappel visualize golden/compile/$$picture.rrl -o docs/pictures/$${picture%%.*}.svg || exit 1; \
	done

# Formatting of hand-written .rrl files: layout only, comments kept (docs/language.md,
# "Formatting"). golden/ is regenerated by `make golden`; an optimizer pass test holds
# two programs (input, `# ---`, expected output), which is not one .rrl program.
fmt: venv
	@files=$$(find . -name '*.rrl' -not -path './$(VENV)/*' -not -path './golden/*' \
		-not -path './runtime-rs/target/*' -not -path './tests/language/optimize/*' | sort); \
	if [ -n "$$files" ]; then $(BIN)/rappel fmt $$files; else echo "no .rrl files to format"; fi

clean:
	rm -rf .pytest_cache .make build dist
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
