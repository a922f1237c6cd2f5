-- corpus: dialect=postgres version=15
SET lock_timeout = '2s';

-- expect: syntax-error
ALTER TABLE users ADD COLUMN;

-- The statement after a bad one is still analysed.
-- expect: index-not-concurrent
CREATE INDEX users_email_idx ON users (email);

-- expect: syntax-error
ALTER TABEL users ADD COLUMN x int;
