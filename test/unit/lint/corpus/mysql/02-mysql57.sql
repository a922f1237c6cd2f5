-- corpus: dialect=mysql version=5.7.44

-- expect: add-column-not-instant missing-lock-timeout
ALTER TABLE customers ADD COLUMN phone varchar(30);

SET SESSION lock_wait_timeout = 5;

-- expect: add-column-not-instant
ALTER TABLE customers ADD COLUMN fax varchar(30) AFTER phone;

-- expect: -
CREATE TABLE customer_notes (id int PRIMARY KEY, body text);

-- expect: -
ALTER TABLE customer_notes ADD COLUMN author varchar(40) NOT NULL, ALGORITHM=COPY;
