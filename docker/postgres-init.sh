#!/bin/sh
# Runs once, when the PostgreSQL data folder is empty, as the image's superuser (postgres):
# creates the roles the gateway and Rasa connect as, and their databases (postgres-roles.sql).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_role=counterpart -v app_db=counterpart -v app_password="$COUNTERPART_DB_PASSWORD" \
  -v rasa_role=rasa -v rasa_db=rasa -v rasa_password="$RASA_DB_PASSWORD" \
  -f /etc/counterpart/postgres-roles.sql
