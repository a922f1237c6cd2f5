-- corpus: dialect=postgres version=15
BEGIN;
SET LOCAL lock_timeout = '2s';

-- expect: -
ALTER TABLE payments ADD CONSTRAINT payments_amount_check CHECK (amount >= 0) NOT VALID;

-- expect: validate-in-same-transaction
ALTER TABLE payments VALIDATE CONSTRAINT payments_amount_check;

-- expect: concurrent-index-in-transaction
CREATE INDEX CONCURRENTLY payments_at_idx ON payments (paid_at);

COMMIT;

-- SET LOCAL ended with the transaction.
-- expect: missing-lock-timeout
ALTER TABLE payments ADD COLUMN memo text;

-- expect: -
CREATE INDEX CONCURRENTLY payments_memo_idx ON payments (memo);

-- NOT VALID is brief, but SHARE ROW EXCLUSIVE still queues writers while it waits.
-- expect: missing-lock-timeout
ALTER TABLE payments ADD CONSTRAINT payments_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;

-- Autocommit: the ADD above is already committed.
-- expect: -
ALTER TABLE payments VALIDATE CONSTRAINT payments_user_fk;
