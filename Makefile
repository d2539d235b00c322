# 进销存 JXC: two commands. Settings through the environment (see README.md):
# JXC_HTTP_PORT JXC_HTTP_HOST JXC_PG_PORT JXC_STATE_DIR JXC_VENV JXC_DB JXC_TEST_DB JXC_PYTHON37 JXC_PG_BIN
.PHONY: run test stop venv bench

run:
	@tools/dev.sh run

test:
	@tools/dev.sh test

stop:
	@tools/dev.sh stop

bench:
	@tools/dev.sh bench

venv:
	@tools/dev.sh venv requirements-test.txt
