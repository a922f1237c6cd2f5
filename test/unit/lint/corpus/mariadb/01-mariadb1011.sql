-- corpus: dialect=mariadb version=10.11.6
SET SESSION lock_wait_timeout = 2;

-- expect: -
ALTER TABLE tickets ADD COLUMN priority tinyint NOT NULL DEFAULT 3;

-- MariaDB trap: NOW() is evaluated once; every existing row gets the ALTER's timestamp.
-- expect: instant-default-evaluated-once
ALTER TABLE tickets ADD COLUMN opened_at datetime DEFAULT (NOW());

-- expect: add-column-rewrite
ALTER TABLE tickets ADD COLUMN ref char(36) DEFAULT (UUID());

-- Probed on 10.11: RAND() is added INSTANT (no copy) and evaluated once for all existing rows.
-- expect: instant-default-evaluated-once
ALTER TABLE tickets ADD COLUMN score double DEFAULT (RAND());

-- expect: -
ALTER TABLE tickets ADD COLUMN assignee varchar(40) AFTER id, ALGORITHM=INSTANT;

-- expect: -
ALTER ONLINE TABLE tickets ADD INDEX tickets_assignee_idx (assignee);

-- expect: lock-blocks-writes
ALTER TABLE tickets ADD INDEX tickets_priority_idx (priority), LOCK=SHARED;

-- expect: add-column-rewrite
ALTER TABLE tickets ADD COLUMN n bigint AUTO_INCREMENT UNIQUE;

-- expect: -
ALTER TABLE tickets ALTER COLUMN priority SET DEFAULT 2;

-- MariaDB syntax the MySQL grammar lacks is bridged, not reported as unparsed.
-- expect: -
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS source varchar(20);

-- expect: -
CREATE INDEX IF NOT EXISTS tickets_source_idx ON tickets (source);
