# khuyencong — the two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
BIN := bin/khuyencong
GO ?= go

.PHONY: run test build lint bench drills deps clean burst

build:
	$(GO) build -o $(BIN) ./cmd/khuyencong

## run: the whole system with demo data on http://localhost:8080 (PostgreSQL is found, started or installed).
run: build
	@url="$$(scripts/postgres.sh app)"; export DATABASE_URL="$$url"; \
	$(BIN) seed --demo --if-empty; \
	echo; echo "khuyencong is starting on $${BASE_URL:-http://localhost:8080} (Ctrl-C stops it)"; echo; \
	exec $(BIN) serve

## test: gofmt, go vet and the whole test suite with the race detector, against a real PostgreSQL.
test:
	@scripts/deps.sh
	@url="$$(scripts/postgres.sh test)"; export TEST_DATABASE_URL="$$url"; \
	unformatted="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi; \
	$(GO) vet ./...; \
	$(GO) test -race -count=1 -timeout 45m ./...

## bench: the Go benchmarks, then every figure of the benchmark issue as one table against its reference
## (servers, a database of its own at 10× the demo data, wrk and pgbench; see docs/benchmarks.md).
bench:
	@scripts/deps.sh
	@url="$$(scripts/postgres.sh test)"; export TEST_DATABASE_URL="$$url"; \
	$(GO) test -run='^$$' -bench=. -benchmem ./...
	@scripts/bench.sh bench

## drills: the fault drills — database outage, pool exhausted by a lock, a crash mid-print, slow
## clients, oversized bodies — each followed by the invariant checks.
drills:
	@scripts/bench.sh drills

lint:
	gofmt -l . ; $(GO) vet ./...

clean:
	rm -rf bin

## burst: the enrolment-burst load script (2,000 requests over two servers into a 30-seat class).
burst:
	@scripts/bench.sh burst
