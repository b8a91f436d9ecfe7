-- Up Migration
-- A client's Idempotency-Key for POST /orders, written in the transaction that creates the order:
-- a retry with the same key finds the order; the hash tells a retry from a different request.
CREATE TABLE idempotency_keys (
  key           text PRIMARY KEY,
  request_hash  text NOT NULL,
  order_id      uuid NOT NULL REFERENCES orders (id),
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE idempotency_keys;
