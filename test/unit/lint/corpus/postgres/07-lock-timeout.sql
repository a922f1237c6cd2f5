-- corpus: dialect=postgres version=15

-- expect: missing-lock-timeout
ALTER TABLE accounts ADD COLUMN region text;

-- expect: missing-lock-timeout index-not-concurrent
CREATE INDEX accounts_region_idx ON accounts (region);

-- CONCURRENTLY blocks neither reads nor writes.
-- expect: -
CREATE INDEX CONCURRENTLY accounts_region2_idx ON accounts (region);

-- expect: -
CREATE TABLE regions (code text PRIMARY KEY);

-- expect: -
ALTER TABLE regions ADD COLUMN label text;

SET lock_timeout = 0;
-- A zero lock_timeout waits forever.
-- expect: missing-lock-timeout
ALTER TABLE accounts ALTER COLUMN region SET DEFAULT 'eu';

SET lock_timeout TO '1500ms';
-- expect: drop-default
ALTER TABLE accounts ALTER COLUMN region DROP DEFAULT;

RESET lock_timeout;
-- column-wizard-ignore missing-lock-timeout: the role sets lock_timeout
-- expect: -
ALTER TABLE accounts ADD COLUMN tier smallint;

-- A new table's foreign key still locks the old table it references (SHARE ROW EXCLUSIVE).
-- expect: -
CREATE TABLE region_aliases (alias text PRIMARY KEY, region_code text);

-- expect: missing-lock-timeout
ALTER TABLE region_aliases ADD CONSTRAINT region_aliases_account_fk FOREIGN KEY (alias) REFERENCES accounts (name);

-- expect: -
ALTER TABLE region_aliases ADD CONSTRAINT region_aliases_region_fk FOREIGN KEY (region_code) REFERENCES regions (code);
