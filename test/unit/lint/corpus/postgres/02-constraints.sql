-- corpus: dialect=postgres version=15
SET lock_timeout = '2s';

-- expect: constraint-not-valid-missing
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);

-- expect: -
ALTER TABLE orders ADD CONSTRAINT orders_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;

-- expect: -
ALTER TABLE orders VALIDATE CONSTRAINT orders_org_fk;

-- expect: constraint-not-valid-missing
ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0);

-- expect: -
ALTER TABLE orders ADD CONSTRAINT orders_total_nn CHECK (total IS NOT NULL) NOT VALID;

-- expect: set-not-null-scan
ALTER TABLE orders ALTER COLUMN total SET NOT NULL;

-- expect: -
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_nn;

-- The validated CHECK proves no NULLs: PostgreSQL 12+ skips the scan.
-- expect: -
ALTER TABLE orders ALTER COLUMN total SET NOT NULL;

-- expect: unique-constraint-builds-index
ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE (ref);

-- expect: unique-constraint-builds-index
ALTER TABLE orders ADD PRIMARY KEY (id);

-- expect: -
ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE USING INDEX orders_code_idx;

-- PostgreSQL 18 syntax refused by 15.
-- expect: fails-on-server
ALTER TABLE orders ADD CONSTRAINT orders_note_nn NOT NULL note NOT VALID;
