# Thresher: the two commands a newcomer needs are `make demo` and `make test`.

SWIFT ?= swift
DEB_PACKAGES := libzstd-dev libxxhash-dev zlib1g-dev zstd pkg-config python3-venv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_OUT ?= demo-out

FUZZ_SECONDS ?= 60
BENCH_SIZE ?= 2GiB
BENCH_RUNS ?= 3

.PHONY: deps test-deps build demo test fuzz bench benchmarks clean

## Installs the C libraries thresh links against, when missing (Debian/Ubuntu).
deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product thresh

## Scans the bundled example archive and shows the first example written.
demo: build
	rm -rf $(DEMO_OUT)
	.build/release/thresh scan fixtures/demo-archive -o $(DEMO_OUT) --settle 0
	@echo
	@echo "== $(DEMO_OUT)/shards:"; ls -l $(DEMO_OUT)/shards
	@echo "== first example:"; zstd -dc $(DEMO_OUT)/shards/part-00000.jsonl.zst | head -n 1

## Chromium renders the `thresh stats` page in a test (skipped without it);
## slurm-wlm and munge run a one-node Slurm cluster in another (skipped
## without them or without root).
test-deps: deps
	@dpkg -s chromium >/dev/null 2>&1 || { echo "installing: chromium"; \
		$(SUDO) apt-get install -y -qq chromium || echo "chromium unavailable: the stats page render test will be skipped"; }
	@dpkg -s slurm-wlm munge >/dev/null 2>&1 || { echo "installing: slurm-wlm munge"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge || echo "slurm unavailable: the cluster test will be skipped"; }

## The Swift test suite, then the interoperability test (shards loaded by
## Hugging Face datasets from a throwaway virtualenv; needs PyPI), then the
## Slurm test (a job array of partition scans and the merge on a one-node
## cluster); in CI (CI=true) also a minute of fuzzing per target.
test: test-deps
	python3 scripts/module-table.py > /dev/null
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	Tests/interop/run.sh
	Tests/slurm/run.sh
	@if [ "$$CI" = true ]; then $(MAKE) fuzz; fi

## libFuzzer with AddressSanitizer on the tokenizer and the redaction
## matcher, FUZZ_SECONDS each, seeded from fixtures/ (Fuzz/Package.swift).
## One -sanitize=fuzzer,address flag: given as two, SwiftPM orders them at
## random and a later -sanitize=address drops the coverage instrumentation.
fuzz: deps
	$(SWIFT) build --package-path Fuzz -c release --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address
	python3 scripts/fuzz-seeds.py .build/fuzz-corpus
	Fuzz/.build/release/FuzzJSON .build/fuzz-corpus/json -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=1
	Fuzz/.build/release/FuzzRedaction .build/fuzz-corpus/redaction -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=1

## End-to-end throughput report (bench-out/bench.md) against the floor and the
## Python + orjson baseline, whose packages go into a private virtualenv.
bench: build
	python3 -m venv .build/bench-venv
	.build/bench-venv/bin/pip install -q orjson xxhash
	.build/release/thresh bench --synth $(BENCH_SIZE) --runs $(BENCH_RUNS) --python .build/bench-venv/bin/python -o bench-out

## Micro-benchmarks of each stage (ordo-one/benchmark).
benchmarks: deps
	swift package --package-path Benchmarks benchmark

clean:
	rm -rf .build $(DEMO_OUT)
