# The two commands the README opens with.
.PHONY: run test

run:  ## set up (venv, pinned install, migrate, import seeds/) and serve on 127.0.0.1:8000
	.ci/serve

test:  ## set up and run the whole suite on SQLite and PostgreSQL
	.ci/test
