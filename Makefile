# Technician Console: build, run and test. `make run` and `make test` install
# what they need first (Debian packages through scripts/deps.sh).

GO       ?= go
# Fyne 2.7: declare that every UI change from our goroutines goes through fyne.Do.
TAGS     := migrated_fynedo
GOFLAGS  := -tags $(TAGS)
BIN      := build/bin
# A release stamps its version into the binaries' --version: make build VERSION=v1.2.0
# (unset: the module version and VCS revision the Go toolchain records).
VERSION  ?=
LDFLAGS  := $(if $(VERSION),-X github.com/remotesupport/techconsole/internal/buildinfo.version=$(VERSION))
FYNE_CLI := fyne.io/tools/cmd/fyne@v1.7.4

.PHONY: all run test deps build bench lint package clean screenshots screenshots-admin bench-startup bench-load soak fuzz

all: build

deps:
	@scripts/deps.sh

build: deps
	$(GO) build $(GOFLAGS) -ldflags '$(LDFLAGS)' -o $(BIN)/ ./cmd/...

run: deps
	$(GO) run $(GOFLAGS) ./cmd/techconsole $(ARGS)

# The benchmarks also run once each (-benchtime 1x, about 10 s), so that a
# change that breaks one fails here rather than at the next `make bench`.
test: deps
	scripts/test-env.sh $(GO) test $(GOFLAGS) -count=1 -timeout 30m ./...
	$(GO) test $(GOFLAGS) -count=1 -run '^$$' -bench . -benchtime 1x ./server/

bench: deps
	scripts/test-env.sh $(GO) test $(GOFLAGS) -run '^$$' -bench . -benchmem -count=1 ./...

# One PNG per main screen of the real window under Xvfb, driven by --script.
SCREENSHOTS_DIR ?= build/screenshots
screenshots: deps
	$(GO) build $(GOFLAGS) -o $(BIN)/techconsole ./cmd/techconsole
	scripts/test-env.sh $(BIN)/techconsole --script screenshots --screenshots-dir $(SCREENSHOTS_DIR)

# The auth server under load from cmd/loadgen (loopback only), beside a bare
# argon2id baseline in the same run (BENCHMARKS.md). CLIENTS, SECONDS, ROUNDS.
CLIENTS ?= 8
SECONDS ?= 10
ROUNDS  ?= 3
bench-load:
	$(GO) build $(GOFLAGS) -o $(BIN)/ ./cmd/authserver ./cmd/loadgen
	scripts/bench-load.sh $(BIN)/authserver $(BIN)/loadgen $(CLIENTS) $(SECONDS) $(ROUNDS)

# Start-up time and memory of the console against an empty Fyne window (BENCHMARKS.md).
bench-startup: deps
	$(GO) build $(GOFLAGS) -o $(BIN)/techconsole ./cmd/techconsole
	scripts/test-env.sh scripts/bench-startup.sh $(BIN)/techconsole

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(GOFLAGS) ./...

# The Admin Center's browser test, saving a PNG of every page it visits.
screenshots-admin: deps
	SCREENSHOTS_DIR=$(abspath $(SCREENSHOTS_DIR)) $(GO) test $(GOFLAGS) -count=1 -run TestAdminCenterInBrowser ./server/adminweb/
	@echo "screenshots in $(abspath $(SCREENSHOTS_DIR))"

# fyne package rewrites FyneApp.toml (it bumps Build), so it runs on a copy in
# a staging folder whose leading _ keeps it out of ./... (lint, test); the
# package (a .tar.xz) lands in build/.
PKG_STAGE := build/_package
package: deps
	rm -rf $(PKG_STAGE) && mkdir -p $(PKG_STAGE)
	cp -r cmd/techconsole/. $(PKG_STAGE)/
	cp FyneApp.toml $(PKG_STAGE)/ && cp assets/icon.png $(PKG_STAGE)/icon.png
	sed -i 's#^  Icon = .*#  Icon = "icon.png"#' $(PKG_STAGE)/FyneApp.toml
	cd $(PKG_STAGE) && $(GO) run $(FYNE_CLI) package --os linux --tags $(TAGS) --release
	mv $(PKG_STAGE)/*.tar.xz build/ && rm -rf $(PKG_STAGE)
	@ls build/*.tar.xz

clean:
	rm -rf build

# The attack suite's statistical and long part (securitytest, build tag soak):
# 24 h brute-force budget, enumeration timing, push latency, slow bodies and
# 200 members signing in for 60 s. About three minutes; figures go to SOAK_OUT.
SOAK_OUT ?= build/soak-results.md
soak:
	mkdir -p $(dir $(SOAK_OUT)) && rm -f $(SOAK_OUT)
	SOAK_OUT=$(abspath $(SOAK_OUT)) $(GO) test -tags soak -run '^TestSoak' -count=1 -timeout 10m -v ./securitytest/ \
		> $(SOAK_OUT).log 2>&1; rc=$$?; grep -E '^(---|ok|FAIL|PASS)|soak_test' $(SOAK_OUT).log; \
		echo "figures in $(SOAK_OUT), full output in $(SOAK_OUT).log"; exit $$rc

# Each fuzz target of the attack suite for FUZZTIME (Go runs one target at a time).
FUZZTIME ?= 30s
FUZZ_TARGETS := FuzzJSONHandlers FuzzParseConsoleVersion FuzzProblemDecoder FuzzPhoneParseURI
fuzz:
	for f in $(FUZZ_TARGETS); do \
		$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -parallel 2 ./securitytest/ || exit 1; \
	done
