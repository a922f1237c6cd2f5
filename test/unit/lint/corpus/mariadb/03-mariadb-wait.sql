-- corpus: dialect=mariadb version=10.11.6

-- MariaDB's WAIT n / NOWAIT is a lock wait timeout for the one statement.
-- expect: -
ALTER TABLE events WAIT 5 ADD COLUMN region varchar(20);

-- expect: -
ALTER TABLE events NOWAIT ADD COLUMN zone varchar(20);

-- expect: -
CREATE INDEX events_region_idx ON events (region) WAIT 3;

-- expect: missing-lock-timeout
ALTER TABLE events ADD COLUMN shard int;

-- The MariaDB grammar reads MariaDB's own types and keeps the MySQL grammar's forms (constraints, keys).
-- expect: add-column-rewrite
ALTER TABLE events WAIT 2 ADD COLUMN IF NOT EXISTS trace uuid DEFAULT uuid();

-- expect: blocking-ddl
ALTER TABLE events WAIT 2 ADD CONSTRAINT events_zone_check CHECK (zone <> '');
