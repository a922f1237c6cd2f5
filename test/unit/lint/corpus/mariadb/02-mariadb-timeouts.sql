-- corpus: dialect=mariadb version=10.6.16

-- expect: missing-lock-timeout
ALTER TABLE logs ADD COLUMN level varchar(10);

-- expect: -
SET STATEMENT lock_wait_timeout = 2 FOR ALTER TABLE logs ADD COLUMN host varchar(60);

-- expect: missing-lock-timeout blocking-ddl
ALTER TABLE logs ADD CONSTRAINT logs_level_check CHECK (level IN ('info', 'warn', 'error'));
