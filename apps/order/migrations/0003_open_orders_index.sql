-- Up Migration
-- The saga-deadline sweep reads open orders oldest first; final orders (the vast majority) stay out of the index.
CREATE INDEX orders_open_by_age ON orders (created_at) WHERE status NOT IN ('CONFIRMED', 'REJECTED', 'CANCELLED');

-- Down Migration
DROP INDEX orders_open_by_age;
