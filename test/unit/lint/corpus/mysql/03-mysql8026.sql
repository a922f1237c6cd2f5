-- corpus: dialect=mysql version=8.0.26
SET SESSION lock_wait_timeout = 2;

-- Before 8.0.29 INSTANT only appends.
-- expect: add-column-not-instant
ALTER TABLE products ADD COLUMN sku varchar(40) FIRST;

-- expect: -
ALTER TABLE products ADD COLUMN ean varchar(13);
