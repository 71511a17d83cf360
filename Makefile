# podrec: nested workflow records as jsonb, served with the semantics of five record APIs.

EXTENSION = podrec
EXTVERSION = 0.1.0

MODULE_big = podrec
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))
HEADERS = $(wildcard src/*.h)

# The install script is generated from the per-concern sources in src/sql,
# concatenated in file-name order; released upgrade scripts live in src/upgrade.
DATA_built = podrec--$(EXTVERSION).sql
DATA = $(wildcard src/upgrade/podrec--*--*.sql)
EXTRA_CLEAN = podrec--$(EXTVERSION).sql

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=podrec

ISOLATION = $(patsubst test/isolation/specs/%.spec,%,$(sort $(wildcard test/isolation/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test/isolation --load-extension=podrec

TAP_TESTS = 1
PROVE_TESTS = $(sort $(wildcard test/t/*.pl))
PROVE_FLAGS = -I ./test/perl

# libpq: on a coordinator, mget talks to the shards over postgres_fdw's connections (src/shard.c)
PG_CPPFLAGS = -I$(srcdir)/src -I$(includedir)
SHLIB_LINK_INTERNAL = $(libpq)
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

podrec--$(EXTVERSION).sql: $(sort $(wildcard src/sql/*.sql))
	cat $^ > $@

.PHONY: bench fuzz lint dist prove_installcheck

# TAP tests (test/t) alone, against the installed PostgreSQL; each test starts its own servers.
prove_installcheck:
	$(prove_installcheck)

bench:
	$(MAKE) -C test/bench

fuzz:
	$(MAKE) -C test/fuzz run FUZZ_SECONDS=$${FUZZ_SECONDS:-3600}

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem \
		--suppress="*:$(shell $(PG_CONFIG) --includedir-server)/*" --suppress=toomanyconfigs \
		-I src -I $(shell $(PG_CONFIG) --includedir-server) -I $(shell $(PG_CONFIG) --includedir) src/*.c
	@# One file per run: clang-tidy 14's valist checker misreads va_start in
	@# every file after the first of a run.  .clang-tidy leaves out the
	@# Annex K check (memcpy_s and friends, which glibc does not have).
	@status=0; for f in $(sort $(wildcard src/*.c)); do \
		clang-tidy --quiet --warnings-as-errors="*" \
			$$f -- -I src -I $(shell $(PG_CONFIG) --includedir-server) -I $(shell $(PG_CONFIG) --includedir) || status=1; \
	done; exit $$status

dist:
	git archive --format zip --prefix=podrec-$(EXTVERSION)/ --output podrec-$(EXTVERSION).zip HEAD
