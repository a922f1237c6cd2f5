-- corpus: dialect=postgres version=18
SET lock_timeout = '2s';

-- expect: -
ALTER TABLE items ADD CONSTRAINT items_sku_nn NOT NULL sku NOT VALID;

-- expect: -
ALTER TABLE items VALIDATE CONSTRAINT items_sku_nn;

-- expect: set-not-null-scan
ALTER TABLE items ALTER COLUMN price SET NOT NULL;
