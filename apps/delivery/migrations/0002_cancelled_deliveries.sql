-- Up Migration
-- CANCELLED: the order was cancelled (its saga deadline passed). A delivery scheduled before is
-- cancelled; an order cancelled before its StockReserved arrived gets a CANCELLED row without an
-- address, so the late StockReserved finds it decided and schedules nothing.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('SCHEDULED', 'FAILED', 'CANCELLED'));
ALTER TABLE deliveries ALTER COLUMN address DROP NOT NULL;

-- Down Migration
DELETE FROM deliveries WHERE status = 'CANCELLED';
ALTER TABLE deliveries ALTER COLUMN address SET NOT NULL;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('SCHEDULED', 'FAILED'));
