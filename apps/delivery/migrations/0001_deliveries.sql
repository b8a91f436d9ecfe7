-- Up Migration
CREATE TABLE deliveries (
  order_id   uuid PRIMARY KEY,
  address    text NOT NULL,
  status     text NOT NULL CHECK (status IN ('SCHEDULED', 'FAILED')),
  reason     text,
  eta        timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE deliveries;
