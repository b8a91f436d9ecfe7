-- Up Migration
-- CANCELLED: the order was cancelled before any stock was reserved for it. The row stays so that an
-- OrderPlaced arriving later (a replayed dead letter) finds the order decided and reserves nothing.
ALTER TABLE reservations DROP CONSTRAINT reservations_status_check;
ALTER TABLE reservations ADD CONSTRAINT reservations_status_check CHECK (status IN ('RESERVED', 'REJECTED', 'RELEASED', 'CANCELLED'));

-- Down Migration
DELETE FROM reservations WHERE status = 'CANCELLED';
ALTER TABLE reservations DROP CONSTRAINT reservations_status_check;
ALTER TABLE reservations ADD CONSTRAINT reservations_status_check CHECK (status IN ('RESERVED', 'REJECTED', 'RELEASED'));
