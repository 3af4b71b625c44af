# hubspot-stream: `make run` (the demo on embedded defaults) and `make test` (everything).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
KAFKA_LIBS := .kafka/libs
TOOLS := .tools/bin
KUSTOMIZE_VERSION := v5.8.0

.PHONY: help install kafka-jars system-deps tools lint test test-fast fuzz soak run bench clean

help:
	@echo "make run   - local Kafka broker + HubSpot emulator + worker + sample events (Ctrl-C stops)"
	@echo "make test  - set everything up, run ruff, mypy, import contracts and every test"
	@echo "make soak  - the long variants of the fault suite (tests/faults, marker soak)"
	@echo "make bench - benchmarks of bench/ (results go to docs/)"
	@echo "make fuzz  - fuzz parsing, triggers and rendering for FUZZ_SECONDS (default 600)"

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip uv

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip install -q -p $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q -p $(BIN)/python --no-deps -e .
	touch $@

install: $(VENV)/.installed

# Kafka broker jars from Maven Central into an ignored cache (version: tools/kafka-broker/pom.xml)
$(KAFKA_LIBS)/.done: tools/kafka-broker/pom.xml
	rm -rf $(KAFKA_LIBS)
	mvn -q -B -f tools/kafka-broker/pom.xml dependency:copy-dependencies -Dkafka.libs.dir=$(CURDIR)/$(KAFKA_LIBS)
	touch $@

kafka-jars: $(KAFKA_LIBS)/.done

# Debian's redis-server holds the shared rate budget in tests and the demo; Debian's prometheus
# package brings promtool (alert rule checks and tests).
system-deps:
	@command -v java >/dev/null || { echo "java (OpenJDK 17+) is required"; exit 1; }
	@for pair in redis-server:redis-server promtool:prometheus; do \
	  command -v $${pair%%:*} >/dev/null && continue; \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $${pair#*:}) >/dev/null || exit 1; \
	  else echo "$${pair%%:*} is required: sudo apt-get install $${pair#*:}"; exit 1; fi; \
	done

# kustomize (renders k8s/overlays/example in the tests) from the Go module proxy into .tools/bin
$(TOOLS)/kustomize:
	@command -v go >/dev/null || { echo "go is required to build kustomize"; exit 1; }
	GOBIN=$(CURDIR)/$(TOOLS) go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

tools: $(TOOLS)/kustomize

lint: install
	$(BIN)/ruff check stream tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# pyproject's addopts leave the soak variants out (-m 'not soak'); `make soak` selects them.
test: install kafka-jars system-deps tools lint
	CI=$${CI:-true} $(BIN)/pytest -p no:cacheprovider -rs $(PYTEST_ARGS)

soak: install kafka-jars system-deps
	CI=$${CI:-true} $(BIN)/pytest -p no:cacheprovider -rs -m soak --timeout 1800 tests/faults $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -p no:cacheprovider -m "not integration" $(PYTEST_ARGS)

# The fuzz targets of tests/fuzz/ share FUZZ_SECONDS (`make test` gives them 30 s in all).
FUZZ_SECONDS ?= 600
fuzz: install
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/pytest -p no:cacheprovider --timeout=0 -q tests/fuzz

run: install kafka-jars system-deps
	$(BIN)/hubspot-stream demo

bench: install kafka-jars system-deps
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .kafka .tools .run .mypy_cache .ruff_cache .pytest_cache
