-- Production roles for Yishi. Run once as a superuser; the migrations create the
-- NOLOGIN group roles yishi_app and yishi_platform and grant them table privileges.
--
--   yishi_owner  owns the tables; used only by `yishi db upgrade` (DATABASE_URL).
--   yishi_web    the service's login (APP_DATABASE_URL): member of yishi_app, owns
--                nothing, so row-level security applies to every statement.
--   yishi_platform  group role for operators' cross-county actions; the service switches
--                to it with its platform pool (DATABASE_URL's login must be a member).

CREATE ROLE yishi_owner LOGIN PASSWORD 'change-me-owner';
CREATE ROLE yishi_web LOGIN PASSWORD 'change-me-web' NOSUPERUSER NOBYPASSRLS;
CREATE DATABASE yishi OWNER yishi_owner;
\connect yishi
-- Created here too so the grants below work before the first migration.
DO $$ BEGIN CREATE ROLE yishi_app NOLOGIN NOBYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE yishi_platform NOLOGIN NOBYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT yishi_app TO yishi_web;
GRANT yishi_app, yishi_platform TO yishi_owner;
