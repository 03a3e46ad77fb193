-- The compose stack's database roles, made once by postgres-init.sh as the superuser.
-- The gateway and Rasa each connect as their own role, which owns its own database and nothing
-- else: no superuser, no CREATEDB, no CREATEROLE, and no CONNECT on the other's database.
-- psql variables: app_role, app_db, app_password, rasa_role, rasa_db, rasa_password.
\set ON_ERROR_STOP on

CREATE ROLE :"app_role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_role";
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;

CREATE ROLE :"rasa_role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'rasa_password';
CREATE DATABASE :"rasa_db" OWNER :"rasa_role";
REVOKE ALL ON DATABASE :"rasa_db" FROM PUBLIC;
