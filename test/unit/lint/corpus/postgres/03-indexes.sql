-- corpus: dialect=postgres version=16
SET lock_timeout = '2s';

-- expect: index-not-concurrent
CREATE INDEX orders_created_idx ON orders (created_at);

-- expect: index-not-concurrent
CREATE UNIQUE INDEX orders_ref_idx ON orders (ref);

-- expect: -
CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);

-- expect: -
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_code_idx ON orders (code);

-- expect: -
CREATE TABLE audit_log (id bigint PRIMARY KEY, at timestamptz NOT NULL, actor text);

-- Known improvement: an index on a table created in the same file blocks nobody.
-- expect: -
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- expect: -
ALTER TABLE audit_log ADD COLUMN detail jsonb NOT NULL;

-- expect: -
ALTER TABLE audit_log ADD CONSTRAINT audit_actor_fk FOREIGN KEY (actor) REFERENCES users (name);

-- expect: index-not-concurrent
CREATE INDEX ON orders USING gin (lower(note));
