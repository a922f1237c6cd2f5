-- corpus: dialect=mysql version=8.0.36
SET SESSION lock_wait_timeout = 2;

-- expect: -
ALTER TABLE orders ADD COLUMN note varchar(200) NULL;

-- Any position is INSTANT from 8.0.29.
-- expect: -
ALTER TABLE orders ADD COLUMN tag varchar(20) NOT NULL DEFAULT '' AFTER id, ALGORITHM=INSTANT;

-- expect: algorithm-copy
ALTER TABLE orders ADD COLUMN flags int NOT NULL DEFAULT 0, ALGORITHM=COPY;

-- expect: lock-blocks-writes
ALTER TABLE orders ADD INDEX orders_tag_idx (tag), ALGORITHM=INPLACE, LOCK=SHARED;

-- expect: algorithm-copy lock-blocks-writes
ALTER TABLE orders ADD INDEX orders_note_idx (note), ALGORITHM=COPY, LOCK=EXCLUSIVE;

-- expect: add-column-rewrite
ALTER TABLE orders ADD COLUMN uid char(36) DEFAULT (UUID());

-- expect: add-column-rewrite
ALTER TABLE orders ADD COLUMN total_cents int AS (qty * price) STORED;

-- expect: -
ALTER TABLE orders ADD COLUMN qty2 int AS (qty * 2) VIRTUAL;

-- expect: add-column-required
ALTER TABLE orders ADD COLUMN region_id int NOT NULL;

-- expect: -
CREATE INDEX orders_region_idx ON orders (region_id) ALGORITHM=INPLACE LOCK=NONE;

-- expect: blocking-ddl
ALTER TABLE orders ADD CONSTRAINT orders_region_fk FOREIGN KEY (region_id) REFERENCES regions (id);

-- expect: instant-with-lock-clause
ALTER TABLE orders ADD COLUMN memo text, ALGORITHM=INSTANT, LOCK=NONE;

-- expect: unparsed-statement
ALTER TABLE orders FROBNICATE;

-- Stored programs are classified, not reported as unparsed.
DELIMITER //
-- expect: -
CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW BEGIN SET NEW.tag = 'x'; END//
DELIMITER ;

-- expect: -
ANALYZE TABLE orders;

-- Statements node-sql-parser cannot read, read from their keywords (issue 20 item 1).
-- expect: -
ALTER DATABASE shop DEFAULT CHARACTER SET utf8mb4;

-- READ ONLY and ENCRYPTION were not checked on a server: said so, never "could not read".
-- expect: unknown-statement
ALTER DATABASE shop READ ONLY = 1;

-- expect: -
CREATE OR REPLACE VIEW open_orders AS SELECT id FROM orders;

-- expect: -
ALTER USER 'app'@'%' IDENTIFIED BY 'changed';

-- MySQL has no sequences.
-- expect: fails-on-server
ALTER SEQUENCE order_numbers RESTART WITH 1000;
