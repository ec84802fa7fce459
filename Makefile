# Thresher: the two commands a newcomer needs are `make demo` and `make test`.

SWIFT ?= swift
DEB_PACKAGES := libzstd-dev libxxhash-dev zlib1g-dev zstd pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_OUT ?= demo-out

.PHONY: deps build demo test bench-build clean

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

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build $(DEMO_OUT)
