# One command each: `make run` starts the bot, `make test` checks everything.
# Both set themselves up on a fresh machine (venv, install, spaCy pipeline, model).

PYTHON_VERSION := $(shell cat .python-version)
VENV   := .venv
PY     := $(VENV)/bin/python
# the rasa CLI, with bot/rasa_speedups.py installed
RASA   := $(PY) -m bot.rasa_server
STAMP  := $(VENV)/.installed
SPACY  := var/spacy/catalog_pipeline/meta.json
MODEL  := models/interview.tar.gz
NODE   := node_modules/.package-lock.json
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONWARNINGS := ignore::DeprecationWarning
# `make train` always retrains (--force, below), so Rasa's training cache (.rasa/cache) is
# never read; writing it copied every component's output (with the parallel detector fits,
# `make train` went from 4 min 48 s to 4 min 26 s)
export RASA_MAX_CACHE_SIZE := 0

.PHONY: help install spacy train run shell test lint validate test-stories pytest bench eval web bench-web clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v python$(basename $(PYTHON_VERSION)) >/dev/null || { echo "Python $(PYTHON_VERSION) is needed (pyenv install $(PYTHON_VERSION))"; exit 1; }
	test -x $(PY) || python$(basename $(PYTHON_VERSION)) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip<24.1" "setuptools<71" wheel
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)  ## create .venv (Python 3.10) and install the project

$(SPACY): $(STAMP) bot/catalog.yml bot/catalog.py bot/nlu/spacy_pipeline.py bot/nlu/typos.py
	$(PY) -m bot.nlu.spacy_pipeline var/spacy/catalog_pipeline

spacy: $(SPACY)  ## build the spaCy pipeline from the catalog

# --force: Rasa's training cache keys on config and data, not on our components' code or
# the spaCy pipeline they read, so a cached step could outlive the change that made make retrain.
# --skip-validation: `make validate` (part of `make test`, so of CI) runs the same checks with
# --fail-on-warnings; repeating them here cost about 40 s of the 5-minute training budget
NLU_CODE := $(addprefix bot/nlu/,catalog_entity_extractor.py cues.py issue_detector.py intent_only.py \
              token_cached_count_vectors.py token_cached_lexical_syntactic.py)
$(MODEL): $(SPACY) config.yml domain.yml $(wildcard data/*.yml) $(NLU_CODE)
	$(RASA) train --force --skip-validation --fixed-model-name interview --out models
	touch $@

train: $(MODEL)  ## train the Rasa model when it is missing or older than its inputs

$(NODE): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

web: $(NODE)  ## install the chat page's widget (npm ci)

run: $(MODEL) $(NODE)  ## start the action server (:5055), the rasa server (:5005) and the interview page (:8080)
	$(PY) -m bot.serve

shell: $(MODEL)  ## chat in the terminal (starts the action server too)
	$(PY) -m bot.serve --shell

lint: $(STAMP)  ## ruff
	$(VENV)/bin/ruff check bot actions tests

validate: $(STAMP)  ## rasa data validate --fail-on-warnings
	$(RASA) data validate --fail-on-warnings

test-stories: $(MODEL)  ## Rasa test stories, 100% correct required
	$(RASA) test core --model $(MODEL) --stories tests/e2e --fail-on-prediction-errors --out var/results

pytest: $(MODEL) $(NODE)  ## unit tests, then end-to-end tests (REST and browser) against real servers
	$(PY) -m pytest -q

test: lint validate test-stories pytest  ## everything CI runs

eval: $(MODEL)  ## NLU figures: test set, 5-fold CV, real answers, parse time (var/eval/)
	$(PY) -m bot.evaluation

bench: $(MODEL)  ## reply times over one full REST interview, and server memory
	$(PY) -m bot.benchmark

bench-web: $(MODEL) $(NODE)  ## the page in headless chromium: first-load bytes, time to first bot message
	$(PY) -m bot.web.benchmark

clean:  ## remove build outputs (keeps .venv)
	rm -rf models var/spacy var/results
