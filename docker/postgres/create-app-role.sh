#!/bin/sh
# Runs once, when the database volume is first created: the application gets its own role,
# which is not a superuser, and owns its database (as it would in production); and the role the
# app switches to on every connection (DATABASE_APP_ROLE), which owns nothing, so row-level
# security binds it (secretary/rls.py).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v role="$APP_DB_USER" -v password="$APP_DB_PASSWORD" -v dbname="$APP_DB_NAME" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER PASSWORD %L', :'role', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'dbname', :'role') \gexec
SELECT format('CREATE ROLE %I NOLOGIN NOSUPERUSER', :'role' || '_app') \gexec
SELECT format('GRANT %I TO %I', :'role' || '_app', :'role') \gexec
SQL
