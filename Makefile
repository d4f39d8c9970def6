# Thin wrapper around scripts/deps.sh, CMake presets and CTest.
#   make run    install missing packages, build (release), run the main job on data/
#   make test   install missing packages, build and run the tests in release and sanitize
#   make bench  build, then run the benchmarks' quick pass
JOBS ?= $(shell nproc)
# ccache hits across clones: paths under the checkout are hashed relative to it.
export CCACHE_BASEDIR := $(CURDIR)

.PHONY: deps build run test test-release test-sanitize install bench clean

deps:
	@scripts/deps.sh

build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

run: build
	@scripts/main-job.sh build/release

test-release: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)
	ctest --preset release -j $(JOBS)

test-sanitize: deps
	cmake --preset sanitize >/dev/null
	cmake --build --preset sanitize -j $(JOBS)
	ctest --preset sanitize -j $(JOBS)

test: test-release test-sanitize

install: build
	cmake --install build/release --prefix $(or $(PREFIX),/usr/local)

clean:
	rm -rf build
