#!/bin/sh
# Creates or upgrades Temporal's schema in PostgreSQL (temporalio/admin-tools, same version as the server).
# Safe to run on every start: setup-schema keeps an existing schema, update-schema applies only newer versions.
set -eu
for database in temporal temporal_visibility; do
  store=$([ "$database" = temporal ] && echo temporal || echo visibility)
  sql() { temporal-sql-tool --plugin postgres12 --ep postgres -p 5432 -u temporal --db "$database" "$@"; }
  sql setup-schema -v 0.0
  sql update-schema -d "/etc/temporal/schema/postgresql/v12/$store/versioned"
done
echo 'Temporal schema up to date'
