# ddx — the two commands a new user needs: `make run` and `make test`.
# The Makefile installs missing Debian packages (as root), then drives CMake.

BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PACKAGES := libginac-dev libcln-dev libgmp-dev doctest-dev libreadline-dev cmake g++ pkg-config gnuplot-nox
# Test-only oracles (never used by the product): SymPy for cross-checking derivatives, mpmath
# for numerical derivatives of high orders (bench/stress.py --high-order-values).
TEST_PACKAGES := python3-sympy python3-mpmath python3-pexpect

# `make install` / `make uninstall`: where the program, library, headers, CMake package and
# pkg-config file go (PREFIX=~/.local needs no root). `make docs`: the API reference.
PREFIX ?= /usr/local
DOC_PACKAGES := doxygen

.PHONY: all deps test-deps configure build run test test-sanitize fuzz catalogue bench clean install uninstall docs

all: build

# Install whatever is missing; dpkg-query is cheap, apt-get runs only when needed.
deps:
	@missing=""; for p in $(PACKAGES) $(EXTRA_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "ddx needs these Debian packages:$$missing"; \
	    echo "run: sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

test-deps:
	@$(MAKE) --no-print-directory deps EXTRA_PACKAGES="$(TEST_PACKAGES)"

configure: deps
	@if [ ! -f $(BUILD_DIR)/CMakeCache.txt ]; then \
	  cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE); fi

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	./$(BUILD_DIR)/ddx

test: test-deps build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The whole suite built with AddressSanitizer and UndefinedBehaviorSanitizer.
SANITIZE_DIR ?= build-sanitize
test-sanitize: test-deps
	@if [ ! -f $(SANITIZE_DIR)/CMakeCache.txt ]; then \
	  cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDDX_SANITIZE=ON; fi
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	cd $(SANITIZE_DIR) && ctest --output-on-failure -j $(JOBS)

# libFuzzer targets (parser, interpreter, grammar), each for FUZZ_SECONDS (default 60);
# needs clang, which this installs.
FUZZ_SECONDS ?= 60
fuzz:
	@$(MAKE) --no-print-directory deps EXTRA_PACKAGES="clang libclang-rt-14-dev"
	tests/fuzz/run.sh $(FUZZ_SECONDS)

# Bad and extreme inputs with their expected outcomes (also part of make test).
catalogue: build
	tests/catalogue/run.sh $(BUILD_DIR)/ddx

# BENCH_FLAGS=--quick: fewer repetitions, smaller corpus, shorter limits (bench/run.sh).
BENCH_FLAGS ?=
bench: build
	cmake --build $(BUILD_DIR) -j $(JOBS) --target benchmarks
	./bench/run.sh $(BUILD_DIR) $(BENCH_FLAGS)
	@echo "| case | time (load, compile, fit) | point | why it stopped |"
	@echo "|---|---:|---|---|"
	./bench/fit_million.sh $(BUILD_DIR)/ddx
	@echo "Gradients whose entries each hold every variable (bench/coupled_sums.sh, this machine):"
	./bench/coupled_sums.sh $(BUILD_DIR)/ddx
	@echo "Stress inputs (bench/stress.py: wall clock per task in its own ddx process, this machine):"
	python3 bench/stress.py $(BUILD_DIR)/ddx --count 12
	@echo "Stress inputs, values (each result at a random point against central differences of its input):"
	python3 bench/stress.py $(BUILD_DIR)/ddx --count 12 --values --check
	@echo "High-order derivatives, values (orders 4-12 at two points against mpmath's numerical derivatives of the input):"
	python3 bench/stress.py $(BUILD_DIR)/ddx --count 200 --high-order-values --check
	@echo "Orders 4, 6, 8 of products of three radicals, exponentials and logarithms (bench/stress.py --three-factors):"
	python3 bench/stress.py $(BUILD_DIR)/ddx --count 10 --three-factors
	@echo "factor of polynomials with many cyclotomic factors, degree 2 to 203 (bench/stress.py --factor):"
	python3 bench/stress.py $(BUILD_DIR)/ddx --count 40 --factor
	@echo "High orders (bench/stress.py --high-orders: diff(f, x, n), n = 20, 50, 100, 200; tasks past 1 s listed):"
	python3 bench/stress.py $(BUILD_DIR)/ddx --count 20 --high-orders

# As root, ldconfig then lets programs find the new libddx.so in /usr/local/lib.
install: build
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)
	@if [ "$$(id -u)" = 0 ] && command -v ldconfig > /dev/null; then ldconfig; fi

# Removes what the last `make install` put in place (listed in install_manifest.txt).
uninstall:
	@if [ ! -f $(BUILD_DIR)/install_manifest.txt ]; then echo "nothing installed from $(BUILD_DIR)"; exit 1; fi
	xargs rm -f < $(BUILD_DIR)/install_manifest.txt
	rm -f $(BUILD_DIR)/install_manifest.txt

# Doxygen HTML from include/ddx/*.hpp into $(BUILD_DIR)/docs/html. CMake is re-run so that it
# finds a doxygen installed just now. Undocumented declarations are listed in warnings.txt.
docs: configure
	@$(MAKE) --no-print-directory deps EXTRA_PACKAGES="$(DOC_PACKAGES)"
	@cmake -S . -B $(BUILD_DIR) > /dev/null
	cmake --build $(BUILD_DIR) --target docs
	@echo "API reference: $(BUILD_DIR)/docs/html/index.html" \
	  "($$(wc -l 2>/dev/null < $(BUILD_DIR)/docs/warnings.txt || echo 0) doxygen warnings in $(BUILD_DIR)/docs/warnings.txt)"

clean:
	rm -rf $(BUILD_DIR)
