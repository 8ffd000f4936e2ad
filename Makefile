# Technician Console: build, run and test. `make run` and `make test` install
# what they need first (Debian packages through scripts/deps.sh).

GO       ?= go
# Fyne 2.7+: declare that every UI change from our goroutines goes through fyne.Do;
# accessibility: Fyne's screen-reader support (README, Accessibility).
TAGS     := migrated_fynedo,accessibility
GOFLAGS  := -tags $(TAGS)
BIN      := build/bin
# A release stamps its version into the binaries' --version: make build VERSION=v1.2.0
# (unset: the module version and VCS revision the Go toolchain records).
VERSION  ?=
LDFLAGS  := $(if $(VERSION),-X github.com/remotesupport/techconsole/internal/buildinfo.version=$(VERSION))

.PHONY: all run test deps deps-build build bench bench-replicas lint package package-bin package-test install uninstall clean screenshots screenshots-admin bench-startup bench-load soak fuzz

all: build

deps:
	@scripts/deps.sh all
	@scripts/axe-core.sh

# Building and running the console need only the headers GLFW compiles against.
deps-build:
	@scripts/deps.sh build

build: deps-build
	$(GO) build $(GOFLAGS) -ldflags '$(LDFLAGS)' -o $(BIN)/ ./cmd/...

run: deps-build
	$(GO) run $(GOFLAGS) ./cmd/techconsole $(ARGS)

# The server and attack suites run a second time on PostgreSQL (each test's
# server on a fresh database of the throwaway cluster that test-env.sh starts;
# the first pass runs the PostgreSQL engine's own tests and the two-replica
# tests). The benchmarks also run once each (-benchtime 1x, about 10 s), so
# that a change that breaks one fails here rather than at the next `make
# bench`; then the desktop package is built and tried (package-test, about
# 15 s warm).
ENGINE_SUITES := ./server/... ./securitytest/
test: deps
	scripts/test-env.sh sh -c '$(GO) test $(GOFLAGS) -count=1 -timeout 30m ./... && \
		AUTHSERVER_TEST_ENGINE=postgres $(GO) test $(GOFLAGS) -count=1 -timeout 30m $(ENGINE_SUITES)'
	scripts/test-env.sh $(GO) test $(GOFLAGS) -count=1 -run '^$$' -bench . -benchtime 1x ./server/
	$(MAKE) --no-print-directory package-test

# The server's benchmarks run again on PostgreSQL (PG_BENCH), then two
# replicas against one (bench-replicas).
PG_BENCH := SignInVsArgon2id|Refresh|PushApprovalToLongPoll|MembersPage
bench: deps
	scripts/test-env.sh sh -c '$(GO) test $(GOFLAGS) -run "^$$" -bench . -benchmem -count=1 ./... && \
		AUTHSERVER_TEST_ENGINE=postgres $(GO) test $(GOFLAGS) -run "^$$" -bench "$(PG_BENCH)" -benchmem -count=1 ./server/'
	$(MAKE) --no-print-directory bench-replicas

# One PNG per main screen of the real window under Xvfb, driven by --script,
# in $(SCREENSHOTS_DIR)/<language>/. LANG on the command line picks the
# language (make screenshots LANG=fr; de_DE.UTF-8 works too; en-XA is the
# pseudo-language, every text 40 % longer, shot at 800x600; all: every
# language and the pseudo-language); else the OS locale's. SIZE=800x600
# sets the window's size.
SCREENSHOTS_DIR ?= build/screenshots
SHOT_LANGS := $(if $(filter all,$(LANG)),en fr it de es pt nl en-XA,$(or $(LANG),en))
screenshots: deps
	$(GO) build $(GOFLAGS) -o $(BIN)/techconsole ./cmd/techconsole
	@set -e; for l in $(SHOT_LANGS); do \
	  size="$(SIZE)"; if [ -z "$$size" ] && [ "$$l" = en-XA ]; then size=800x600; fi; \
	  scripts/test-env.sh $(BIN)/techconsole --script screenshots --lang "$$l" --screenshots-dir $(SCREENSHOTS_DIR) $${size:+--window-size $$size}; \
	done

# The auth server under load from cmd/loadgen (loopback only), beside a bare
# argon2id baseline in the same run (BENCHMARKS.md). CLIENTS, SECONDS, ROUNDS.
CLIENTS ?= 8
SECONDS ?= 10
ROUNDS  ?= 3
REPLICA_CLIENTS ?= 4
bench-load:
	$(GO) build $(GOFLAGS) -o $(BIN)/ ./cmd/authserver ./cmd/loadgen
	scripts/bench-load.sh $(BIN)/authserver $(BIN)/loadgen $(CLIENTS) $(SECONDS) $(ROUNDS)

# Two authserver replicas on one PostgreSQL, each pinned to one core, against
# one (BENCHMARKS.md). REPLICA_CLIENTS per replica, SECONDS, ROUNDS.
bench-replicas: deps
	$(GO) build $(GOFLAGS) -o $(BIN)/ ./cmd/authserver ./cmd/loadgen
	scripts/bench-replicas.sh $(BIN)/authserver $(BIN)/loadgen $(REPLICA_CLIENTS) $(SECONDS) $(ROUNDS)

# Start-up time and memory of the console against an empty Fyne window (BENCHMARKS.md).
bench-startup: deps
	$(GO) build $(GOFLAGS) -o $(BIN)/techconsole ./cmd/techconsole
	scripts/test-env.sh scripts/bench-startup.sh $(BIN)/techconsole

# gofmt, go vet, staticcheck (staticcheck.conf), the layering test and
# govulncheck (scripts/vulncheck.sh: its database built from the module proxy).
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
lint: deps
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(GOFLAGS) ./...
	$(GO) run $(STATICCHECK) $(GOFLAGS) ./...
	$(GO) test $(GOFLAGS) -count=1 ./archtest/
	GO=$(GO) TAGS=$(TAGS) scripts/vulncheck.sh

# The Admin Center's browser test, saving a PNG of every page it visits.
screenshots-admin: deps
	SCREENSHOTS_DIR=$(abspath $(SCREENSHOTS_DIR)) $(GO) test $(GOFLAGS) -count=1 -run TestAdminCenterInBrowser ./server/adminweb/
	@echo "screenshots in $(abspath $(SCREENSHOTS_DIR))"

# The desktop package: build/techconsole-VERSION-linux-ARCH.tar.gz holds
# techconsole-VERSION/{bin,share} (scripts/package.sh lays the tree out). The
# binary is a plain `go build` with the same flags as `make build` and `make
# test`, so it comes from their build cache. (`fyne package --release` added
# -trimpath, which gives every package, the standard library and GLFW's C
# sources included, another cache key than theirs, and the release tag, which
# does so for Fyne's packages.) -s -w only strip the symbol tables at link
# time. .tar.gz rather than .tar.xz: xz took a minute for 20% less. The
# version is VERSION, else FyneApp.toml's; the revision is the checkout's.
APP_VERSION  = $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
PKG_VERSION  = $(or $(VERSION),$(APP_VERSION))
PKG_REVISION = $(shell r=$$(git rev-parse --short=12 HEAD 2>/dev/null) && \
                 if git diff --quiet HEAD; then echo $$r; else echo $$r+dirty; fi)
PKG_NAME     = techconsole-$(PKG_VERSION)-linux-$(shell $(GO) env GOARCH)
PKG_DIR      := build/package
PKG_BIN      := $(PKG_DIR)/techconsole
BUILDINFO    := github.com/remotesupport/techconsole/internal/buildinfo
PKG_LDFLAGS  = -s -w -X $(BUILDINFO).version=$(PKG_VERSION) $(if $(PKG_REVISION),-X $(BUILDINFO).revision=$(PKG_REVISION))

package-bin: deps
	$(GO) build $(GOFLAGS) -ldflags '$(PKG_LDFLAGS)' -o $(PKG_BIN) ./cmd/techconsole

package: package-bin
	rm -rf $(PKG_DIR)/techconsole-$(PKG_VERSION) build/$(PKG_NAME).tar.gz
	scripts/package.sh layout $(PKG_DIR)/techconsole-$(PKG_VERSION) $(PKG_BIN)
	tar --owner=0 --group=0 --numeric-owner -C $(PKG_DIR) -czf build/$(PKG_NAME).tar.gz techconsole-$(PKG_VERSION)
	@echo build/$(PKG_NAME).tar.gz

# For the current user by default; PREFIX=/usr/local (as root) for everyone,
# DESTDIR to stage the tree for another packager.
PREFIX  ?= $(HOME)/.local
DESTDIR ?=
install: package-bin
	scripts/package.sh layout '$(DESTDIR)$(PREFIX)' $(PKG_BIN)
	@$(if $(DESTDIR),,$(call refresh-menus))

uninstall:
	scripts/package.sh remove '$(DESTDIR)$(PREFIX)'
	@$(if $(DESTDIR),,$(call refresh-menus))

# Menus pick up a new or removed entry by themselves; the cache that some
# read is refreshed where the tool is installed.
refresh-menus = if command -v update-desktop-database >/dev/null; then update-desktop-database -q '$(PREFIX)/share/applications' || true; fi

# Unpacks the package into a scratch root and starts it there under Xvfb with
# no Go on PATH; checks the desktop entry and make install / uninstall.
package-test: package
	scripts/test-env.sh scripts/package-test.sh build/$(PKG_NAME).tar.gz $(PKG_VERSION)

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
