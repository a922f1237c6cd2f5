-- corpus: dialect=postgres version=10.23
SET lock_timeout = '2s';

-- Before PostgreSQL 11 any DEFAULT is written into every row.
-- expect: add-column-rewrite
ALTER TABLE events ADD COLUMN kind text NOT NULL DEFAULT 'click';

-- expect: -
ALTER TABLE events ADD COLUMN source text;

-- Before PostgreSQL 12 even a validated CHECK does not let SET NOT NULL skip its scan.
-- expect: -
ALTER TABLE events ADD CONSTRAINT events_source_nn CHECK (source IS NOT NULL) NOT VALID;

-- expect: -
ALTER TABLE events VALIDATE CONSTRAINT events_source_nn;

-- expect: set-not-null-scan
ALTER TABLE events ALTER COLUMN source SET NOT NULL;
