-- Up Migration
-- The customer (token subject) who placed each order: only they (or an operator) may read it.
-- Orders placed before this have none and are visible to operators only.
ALTER TABLE orders ADD COLUMN customer_id text;

-- An Idempotency-Key is the customer's own: another customer's identical key finds nothing of theirs.
-- Keys stored before this belong to no customer ('').
ALTER TABLE idempotency_keys ADD COLUMN customer_id text NOT NULL DEFAULT '';
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys ADD PRIMARY KEY (customer_id, key);

-- Down Migration
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys DROP COLUMN customer_id;
ALTER TABLE idempotency_keys ADD PRIMARY KEY (key);
ALTER TABLE orders DROP COLUMN customer_id;
