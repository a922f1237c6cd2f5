-- corpus: dialect=mariadb version=10.11
-- Sources: MySQL 8.0 Reference Manual 15.12.1 "Online DDL Operations" (index, primary key, column and table operations:
-- FULLTEXT "LOCK=SHARED", first FULLTEXT rebuilds; "Dropping a primary key … only ALGORITHM=COPY"; "Converting a character
-- set … Permits Concurrent DML No"; FORCE rebuilds in place; RENAME INDEX metadata only), MariaDB KB "InnoDB Online DDL
-- Operations with the INPLACE Alter Algorithm"; each verdict probed on MariaDB 10.11 (test/db/lintVsProbe.test.ts).
SET SESSION lock_wait_timeout = 2;

-- expect: index-not-concurrent
ALTER TABLE articles ADD FULLTEXT INDEX articles_body_ft (body);

-- expect: index-not-concurrent
CREATE FULLTEXT INDEX articles_title_ft ON articles (title);

-- expect: blocking-ddl
ALTER TABLE articles DROP PRIMARY KEY;

-- expect: -
ALTER TABLE articles DROP PRIMARY KEY, ADD PRIMARY KEY (id, site_id);

-- expect: blocking-ddl
ALTER TABLE articles CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- expect: -
ALTER TABLE articles FORCE;

-- expect: -
ALTER TABLE articles RENAME INDEX articles_old TO articles_new;

-- expect: -
ALTER TABLE articles DEFAULT CHARACTER SET utf8mb4;

-- expect: alter-column-type
ALTER TABLE articles MODIFY slug varchar(300) CHARACTER SET utf8mb4;

-- expect: blocking-ddl
ALTER TABLE articles ADD CONSTRAINT articles_site_fk FOREIGN KEY (site_id) REFERENCES sites (id);

SET SESSION foreign_key_checks = 0;

-- expect: -
ALTER TABLE articles ADD CONSTRAINT articles_author_fk FOREIGN KEY (author_id) REFERENCES authors (id);

SET SESSION foreign_key_checks = 1;

-- Statements node-sql-parser cannot read, read from their keywords (issue 20 item 1); their metadata locks checked on
-- MariaDB 10.11 with two sessions (test/db/lintVsProbe.test.ts). Under the lock timeout set above, none needs a finding.
-- expect: -
ALTER SEQUENCE order_numbers RESTART WITH 1000;

-- expect: -
DROP SEQUENCE IF EXISTS old_numbers;

-- expect: -
CREATE SEQUENCE invoice_numbers START WITH 1;

-- Not checked on a server: said so, never "could not read".
-- expect: unknown-statement
CREATE OR REPLACE SEQUENCE invoice_numbers START WITH 1;

-- expect: -
ALTER DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- expect: -
ALTER DATABASE shop COMMENT 'orders and invoices';

-- expect: -
CREATE OR REPLACE VIEW open_orders AS SELECT id FROM articles;

-- expect: -
ALTER USER 'app'@'%' IDENTIFIED BY 'changed';

-- expect: -
DROP USER IF EXISTS 'old_app'@'%';

SET SESSION lock_wait_timeout = DEFAULT;

-- Without a lock timeout, the exclusive metadata lock a reader of the object holds up queues its next readers.
-- expect: missing-lock-timeout
ALTER SEQUENCE order_numbers INCREMENT BY 2;

-- expect: missing-lock-timeout
CREATE OR REPLACE VIEW open_orders AS SELECT id, site_id FROM articles;

-- Only DDL in the database waits for it: no finding.
-- expect: -
ALTER DATABASE shop CHARACTER SET latin1;
