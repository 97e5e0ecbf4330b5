#!/bin/sh
# Runs once, when the database volume is first created: the application gets its own role,
# which is not a superuser, and owns its database (as it would in production); and the role the
# app switches to on every connection (DATABASE_APP_ROLE), which owns nothing, so row-level
# security binds it (secretary/rls.py).
#
# And, as the superuser this script runs as, the full-text match function (behind `@@`) is
# declared LEAKPROOF in the app's database and in template1 (databases created later inherit
# it): under the forced practice policies PostgreSQL uses an index only for leak-proof
# conditions, so without it search reads every row of the practice (secretary/search.py).
# Safe: ts_match_vq compares an already-parsed tsvector with an already-parsed tsquery and
# raises no error that depends on their contents, so it cannot reveal a row the policy hides.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v role="$APP_DB_USER" -v password="$APP_DB_PASSWORD" -v dbname="$APP_DB_NAME" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER PASSWORD %L', :'role', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'dbname', :'role') \gexec
SELECT format('CREATE ROLE %I NOLOGIN NOSUPERUSER', :'role' || '_app') \gexec
SELECT format('GRANT %I TO %I', :'role' || '_app', :'role') \gexec
SQL
for db in "$APP_DB_NAME" template1; do
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$db" \
        -c 'ALTER FUNCTION ts_match_vq(tsvector, tsquery) LEAKPROOF'
done
