# The two commands of the README:
#   make demo   install everything and run the main job on the embedded local model
#   make test   install everything and run the whole test suite (what CI runs)
VENV ?= .venv
PY := $(VENV)/bin/python
EXTRAS ?= local,dev,png,plot,notebook,textworld,server,postgres,ray

.PHONY: install demo test system-deps

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

system-deps:
	bash scripts/system-deps.sh

install: $(PY) system-deps
	$(PY) -m pip install -q -e ".[$(EXTRAS)]"

demo: install
	$(VENV)/bin/reflexion demo

test: install
	$(VENV)/bin/ruff check .
	PYTHON=$(PY) bash scripts/typecheck.sh
	$(VENV)/bin/pytest
