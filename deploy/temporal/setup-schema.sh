#!/bin/sh
# One-shot job (temporalio/admin-tools): creates or upgrades Temporal's two PostgreSQL databases.
# Safe to run on every `docker compose up`: an existing database is kept, setup-schema skips a schema that is
# already past 0.0, and update-schema applies only the versions not applied yet.
set -eu
: "${POSTGRES_SEEDS:?POSTGRES_SEEDS is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
DB_PORT=${DB_PORT:-5432}
SCHEMA_DIR=${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "$DB_PORT" "$@"
}

for pair in "temporal:temporal" "temporal_visibility:visibility"; do
  db=${pair%%:*}
  schema=${pair##*:}
  echo "schema: database ${db}"
  # CREATE DATABASE fails when it exists; a real connection problem fails setup-schema right after.
  sql --db "$db" create || echo "schema: ${db} exists (or could not be created; setup-schema decides)"
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "${SCHEMA_DIR}/${schema}/versioned"
done
echo "schema: done"
