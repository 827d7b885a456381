# ooda - front end to CMake/CTest. `make demo` and `make check` do everything on a
# fresh Debian 12 machine: install dependencies, build, run.
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
JOBS       ?= $(shell nproc)
FUZZ_SECONDS ?= 60
PREFIX     ?= /usr/local

.PHONY: all deps build build-asan check check-fast demo bench fuzz install clean format

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null

build: deps $(BUILD)/build.ninja
	@ninja -C $(BUILD) --quiet

$(BUILD_ASAN)/build.ninja:
	@cmake -S . -B $(BUILD_ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DOODA_SANITIZE=ON \
	  -DCMAKE_C_COMPILER=clang >/dev/null

build-asan: deps $(BUILD_ASAN)/build.ninja
	@ninja -C $(BUILD_ASAN) --quiet

# The whole suite twice: the normal build, then under ASan+UBSan.
check: build build-asan
	@echo "== tests (normal build) =="
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	@echo "== tests (ASan+UBSan build) =="
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(BUILD_ASAN) --output-on-failure -j $(JOBS)

check-fast: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

demo: build
	@scripts/demo

bench: build
	@bench/run-all

$(BUILD_FUZZ)/build.ninja:
	@cmake -S . -B $(BUILD_FUZZ) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOODA_FUZZ=ON \
	  -DCMAKE_C_COMPILER=clang >/dev/null

# Runs every libFuzzer target for FUZZ_SECONDS on a scratch copy of its corpus.
fuzz: deps $(BUILD_FUZZ)/build.ninja
	@ninja -C $(BUILD_FUZZ) --quiet
	@scripts/fuzz-all $(BUILD_FUZZ) $(FUZZ_SECONDS)

install: build
	@cmake --install $(BUILD)

format:
	@git clang-format

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
