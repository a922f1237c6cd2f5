-- corpus: dialect=postgres version=15
-- migrate:up
SET lock_timeout = '2s';

-- dbmate runs the up section in one transaction.
-- expect: concurrent-index-in-transaction
CREATE INDEX CONCURRENTLY invoices_due_idx ON invoices (due_on);

-- expect: -
ALTER TABLE invoices ADD CONSTRAINT invoices_due_check CHECK (due_on IS NOT NULL) NOT VALID;

-- expect: validate-in-same-transaction
ALTER TABLE invoices VALIDATE CONSTRAINT invoices_due_check;

-- migrate:down
-- expect: missing-lock-timeout
ALTER TABLE invoices DROP CONSTRAINT invoices_due_check;
