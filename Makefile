.PHONY: run test lint format messages

run:
	bash bin/run-dev

test:
	bash bin/run-tests

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

messages:
	.venv/bin/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=staticfiles --ignore=tests --no-obsolete
	.venv/bin/python manage.py compilemessages --ignore=.venv
