-- corpus: dialect=postgres version=15
-- migrate:up transaction:false
SET lock_timeout = '2s';

-- expect: -
CREATE INDEX CONCURRENTLY invoices_customer_idx ON invoices (customer_id);

-- column-wizard-ignore index-not-concurrent: the table is new
-- expect: -
CREATE INDEX invoices_small_idx ON invoices (kind);
