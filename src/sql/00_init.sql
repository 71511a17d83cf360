-- podrec install script, generated from src/sql/*.sql: edit those files, not the output.

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION podrec" to load this file. \quit

COMMENT ON SCHEMA podrec IS 'podrec: nested workflow records stored as jsonb, flattened, filtered and found';
