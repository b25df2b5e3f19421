# Quick start: `make run` serves the demo town, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install env lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP) .env

# Local secrets, made once: the field encryption key must not change while data exists.
.env:
	$(PYTHON) -c "import secrets; print(f'SECRET_KEY={secrets.token_urlsafe(48)}'); print(f'FIELD_ENCRYPTION_KEY={secrets.token_urlsafe(32)}'); print('DEBUG=false'); print('ALLOWED_HOSTS=127.0.0.1,localhost'); print('HTTPS=false')" > .env

# The demo asks only admin for the second login step, so anyone can try 党建办 and 上级 with the printed
# password; production's default asks office and oversight accounts too (docs/foundation.md «两步验证»).
run: export OTP_REQUIRED_KINDS ?= admin
run: install
	$(BIN)/dangjian migrate --noinput
	$(BIN)/dangjian collectstatic --noinput -v0
	$(BIN)/dangjian demo --seed 1 --if-empty
	$(BIN)/dangjian demo-logins
# The background worker (reminders, task queue, deliveries) runs beside the web server; Ctrl-C stops both.
# gunicorn writes no access log: it would keep the time of every vote's POST (docs/evaluations.md «威胁模型»).
	$(BIN)/dangjian worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn dangjian.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4

test: install
	$(BIN)/dangjian collectstatic --noinput -v0
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# Every bench on SQLite and PostgreSQL (BENCH_POSTGRES=postgres://…, else a throwaway local cluster);
# writes docs/benchmarks.md, fails when a goal is missed (docs/benchmarks.md says what each compares).
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles
