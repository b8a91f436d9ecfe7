-- Up Migration
CREATE TABLE stock (
  sku        text PRIMARY KEY,
  available  int NOT NULL CHECK (available >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One reservation per order: what was taken, so a compensation can give exactly that back.
CREATE TABLE reservations (
  order_id   uuid PRIMARY KEY,
  items      jsonb NOT NULL,
  status     text NOT NULL CHECK (status IN ('RESERVED', 'REJECTED', 'RELEASED')),
  reason     text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Seed stock, so every saga path can be driven from outside on a fresh environment.
INSERT INTO stock (sku, available) VALUES ('apple', 1000), ('pear', 500), ('plum', 200), ('rare-book', 1);

-- Down Migration
DROP TABLE reservations;
DROP TABLE stock;
