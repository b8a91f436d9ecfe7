-- inventory on OrderPlaced: mark the message, lock and take the stock, save the reservation, StockReserved.
\set o random(1000000, 9000000000000000)
\set s random(0, :skus - 1)
BEGIN;
INSERT INTO processed_messages (message_id, consumer) VALUES (md5(:o::text || 'm')::uuid, 'inventory') ON CONFLICT DO NOTHING;
SELECT items, status FROM reservations WHERE order_id = md5(:o::text)::uuid FOR UPDATE;
SELECT sku, available FROM stock WHERE sku = ANY(ARRAY['bench-' || :s::text]) ORDER BY sku FOR UPDATE;
UPDATE stock SET available = available + -1, updated_at = now() WHERE sku = 'bench-' || :s::text;
INSERT INTO reservations (order_id, items, status, reason) VALUES (md5(:o::text)::uuid, ('[{"sku":"bench-' || :s::text || '","quantity":1}]')::jsonb, 'RESERVED', NULL) ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason, updated_at = now();
INSERT INTO outbox (id, topic, key, type, payload) VALUES (md5(:o::text || 'e')::uuid, 'inventory.events', md5(:o::text), 'StockReserved', '{"id":"9b1f3c2e-0c4b-4a57-9d8e-6f1d2a3b4c5d","type":"EventType","key":"0b5e6a9c-1d2e-4f30-8a4b-5c6d7e8f9a0b","source":"service","occurredAt":"2026-11-30T20:00:00.000Z","data":{"orderId":"0b5e6a9c-1d2e-4f30-8a4b-5c6d7e8f9a0b","items":[{"sku":"bench-17","quantity":1}],"address":"12345 Bench Street"}}');
SELECT pg_notify('outbox', '');
END;
