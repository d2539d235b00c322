# 进销存 JXC: two commands. Settings through the environment (see README.md):
# JXC_HTTP_PORT JXC_HTTP_HOST JXC_PG_PORT JXC_STATE_DIR JXC_VENV JXC_DB JXC_TEST_DB JXC_PYTHON37 JXC_PG_BIN JXC_BACKUP_DIR JXC_BACKUP_KEEP JXC_WORKERS JXC_WORKERS_PORT JXC_LONGPOLLING_PORT JXC_ADMIN_PASSWD JXC_LIST_DB JXC_PROXY_MODE
.PHONY: run test stop venv bench backup restore

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

# make backup [DB=name]   (JXC_BACKUP_DIR, default .local/backups; JXC_BACKUP_KEEP, default 7)
backup:
	@tools/dev.sh backup $(DB)

# make restore FILE=.local/backups/jxc_demo-20261128-103400.tar [DB=name] [FORCE=1]
restore:
	@JXC_FORCE=$(FORCE) tools/dev.sh restore "$(FILE)" $(DB)
