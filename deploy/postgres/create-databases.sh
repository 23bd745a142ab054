#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised (docker-entrypoint-initdb.d):
# a role and databases for Temporal (its store and its visibility store) and a role and database for Followup.
# Temporal's schema is then set up by the temporal-schema service; Followup's by npm run db:migrate.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v temporal_password="$TEMPORAL_DB_PASSWORD" -v followup_password="$FOLLOWUP_DB_PASSWORD" <<'SQL'
CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
CREATE ROLE followup LOGIN PASSWORD :'followup_password';
CREATE DATABASE followup OWNER followup;
SQL
