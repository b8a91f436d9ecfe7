-- Up Migration
CREATE TABLE orders (
  id            uuid PRIMARY KEY,
  status        text NOT NULL,
  items         jsonb NOT NULL,
  address       text NOT NULL,
  delivery_fee  numeric(10, 2) NOT NULL,
  fee_source    text NOT NULL CHECK (fee_source IN ('quote', 'fallback')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- The events that moved each order, in the order they were applied.
CREATE TABLE order_history (
  order_id  uuid NOT NULL REFERENCES orders (id),
  seq       int NOT NULL,
  event     text NOT NULL,
  status    text NOT NULL,
  detail    jsonb NOT NULL DEFAULT '{}',
  at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, seq)
);

-- Down Migration
DROP TABLE order_history;
DROP TABLE orders;
