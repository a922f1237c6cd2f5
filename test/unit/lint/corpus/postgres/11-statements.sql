-- corpus: dialect=postgres version=15
-- Statement kinds beyond ADD COLUMN (issue 20). Sources: PostgreSQL 15 manual (ref/drop_index, ref/reindex,
-- ref/vacuum, ref/cluster, ref/refresh_materialized_view, ref/alter_table, ref/alter_domain, explicit-locking),
-- squawk rule docs (require-concurrent-index-deletion, changing-column-type, renaming-column, renaming-table,
-- ban-drop-table, ban-drop-column), strong_migrations README (rename, change column type, backfill in transaction).
SET lock_timeout = '2s';

-- expect: drop-index-not-concurrent
DROP INDEX users_email_idx;

-- expect: -
DROP INDEX CONCURRENTLY users_email_idx;

-- expect: reindex-not-concurrent
REINDEX INDEX users_email_idx;

-- expect: reindex-not-concurrent
REINDEX TABLE users;

-- expect: -
REINDEX TABLE CONCURRENTLY users;

-- expect: table-rewrite
VACUUM FULL users;

-- expect: -
VACUUM (ANALYZE) users;

-- expect: table-rewrite
CLUSTER users USING users_pkey;

-- expect: refresh-not-concurrent
REFRESH MATERIALIZED VIEW user_stats;

-- expect: -
REFRESH MATERIALIZED VIEW CONCURRENTLY user_stats;

-- expect: detach-partition-not-concurrent
ALTER TABLE events DETACH PARTITION events_2020;

-- expect: -
ALTER TABLE events DETACH PARTITION events_2021 CONCURRENTLY;

-- expect: domain-constraint-scan
ALTER DOMAIN positive_int ADD CONSTRAINT positive_int_check CHECK (VALUE > 0);

-- expect: -
ALTER DOMAIN positive_int ADD CONSTRAINT positive_int_check2 CHECK (VALUE > 0) NOT VALID;

-- expect: exclusion-constraint
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);

-- expect: table-rewrite
ALTER TABLE users SET LOGGED;

-- expect: table-rewrite
ALTER TABLE users SET UNLOGGED;

-- expect: table-rewrite
ALTER TABLE users SET TABLESPACE fast_ssd;

-- expect: rename
ALTER TABLE users RENAME COLUMN email TO email_address;

-- expect: rename
ALTER TABLE users RENAME TO accounts;

-- expect: rename
ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';

-- expect: -
ALTER TABLE accounts RENAME CONSTRAINT accounts_email_check TO accounts_email_valid;

-- expect: drop-table
DROP TABLE legacy_sessions;

-- expect: drop-column
ALTER TABLE accounts DROP COLUMN legacy_flag;

-- expect: alter-column-type
ALTER TABLE accounts ALTER COLUMN id TYPE bigint;

-- expect: alter-column-type
ALTER TABLE accounts ALTER COLUMN score TYPE integer USING score::integer;

-- expect: alter-column-type
ALTER TABLE accounts ALTER COLUMN created_at TYPE timestamp(3);

-- expect: explicit-lock
LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE;

-- expect: unknown-statement
ALTER TABLE accounts SET (fillfactor = 70);

-- expect: -
INSERT INTO accounts (id) VALUES (1);

-- expect: -
CREATE TABLE audit (id bigint PRIMARY KEY, body text);

-- expect: -
ALTER TABLE audit RENAME COLUMN body TO payload;

-- expect: -
DROP TABLE audit;

BEGIN;
-- expect: -
ALTER TABLE accounts ADD COLUMN plan text;
-- expect: backfill-in-locking-transaction
UPDATE accounts SET plan = 'free';
COMMIT;

-- expect: -
UPDATE accounts SET plan = 'free' WHERE plan IS NULL;
