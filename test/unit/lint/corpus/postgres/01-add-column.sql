-- corpus: dialect=postgres version=15
SET lock_timeout = '2s';

-- expect: -
ALTER TABLE users ADD COLUMN nickname text;

-- Known improvement: now() is STABLE, PostgreSQL 11+ stores it in the catalog (no rewrite).
-- expect: -
ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();

-- expect: -
ALTER TABLE users ADD COLUMN updated_at timestamptz DEFAULT CURRENT_TIMESTAMP;

-- expect: -
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;

-- expect: -
ALTER TABLE users ADD COLUMN status varchar(20) NOT NULL DEFAULT 'new'::varchar;

-- expect: add-column-rewrite
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();

-- expect: add-column-rewrite
ALTER TABLE users ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp();

-- expect: add-column-rewrite
ALTER TABLE users ADD COLUMN score double precision DEFAULT random();

-- An unknown function may be volatile: assumed to rewrite.
-- expect: add-column-rewrite
ALTER TABLE users ADD COLUMN code text DEFAULT make_code();

-- expect: add-column-rewrite
ALTER TABLE users ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) STORED;

-- expect: add-column-rewrite
ALTER TABLE users ADD COLUMN legacy_id bigint GENERATED ALWAYS AS IDENTITY;

-- expect: add-column-rewrite
ALTER TABLE users ADD COLUMN seq serial;

-- expect: add-column-required
ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;

-- expect: constraint-not-valid-missing
ALTER TABLE users ADD COLUMN org_id bigint REFERENCES orgs (id);

-- expect: unique-constraint-builds-index
ALTER TABLE users ADD COLUMN email_lower text UNIQUE;

-- expect: constraint-not-valid-missing
ALTER TABLE users ADD COLUMN age int CHECK (age >= 0);

-- expect: -
ALTER TABLE users ADD COLUMN IF NOT EXISTS bio text, ADD COLUMN avatar_url text;

-- expect: -
ALTER TABLE users ALTER COLUMN nickname SET DEFAULT 'anon';
