# hubspot-stream: `make run` (the demo on embedded defaults) and `make test` (everything).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
KAFKA_LIBS := .kafka/libs

.PHONY: help install kafka-jars system-deps lint test test-fast soak run bench clean

help:
	@echo "make run   - local Kafka broker + HubSpot emulator + worker + sample events (Ctrl-C stops)"
	@echo "make test  - set everything up, run ruff, mypy, import contracts and every test"
	@echo "make soak  - the long variants of the fault suite (tests/faults, marker soak)"
	@echo "make bench - benchmarks of bench/ (results go to docs/)"

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

# Debian's redis-server holds the shared rate budget in tests and the demo.
system-deps:
	@command -v java >/dev/null || { echo "java (OpenJDK 17+) is required"; exit 1; }
	@command -v redis-server >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >/dev/null; \
	  else echo "redis-server is required: sudo apt-get install redis-server"; exit 1; fi; }

lint: install
	$(BIN)/ruff check stream tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# pyproject's addopts leave the soak variants out (-m 'not soak'); `make soak` selects them.
test: install kafka-jars system-deps lint
	CI=$${CI:-true} $(BIN)/pytest -p no:cacheprovider -rs $(PYTEST_ARGS)

soak: install kafka-jars system-deps
	CI=$${CI:-true} $(BIN)/pytest -p no:cacheprovider -rs -m soak --timeout 1800 tests/faults $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -p no:cacheprovider -m "not integration" $(PYTEST_ARGS)

run: install kafka-jars system-deps
	$(BIN)/hubspot-stream demo

bench: install kafka-jars system-deps
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .kafka .run .mypy_cache .ruff_cache .pytest_cache
