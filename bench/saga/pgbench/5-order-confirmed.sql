-- order on DeliveryScheduled: mark the message, lock the order, add history, CONFIRMED, OrderConfirmed.
\set n random(1, :orders)
\set o random(1000000, 9000000000000000)
BEGIN;
INSERT INTO processed_messages (message_id, consumer) VALUES (md5(:o::text || 'm')::uuid, 'order') ON CONFLICT DO NOTHING;
SELECT status FROM orders WHERE id = md5(:n::text)::uuid FOR UPDATE;
INSERT INTO order_history (order_id, seq, event, status, detail) VALUES (md5(:n::text)::uuid, (SELECT coalesce(max(seq), 0) + 1 FROM order_history WHERE order_id = md5(:n::text)::uuid), 'DeliveryScheduled', 'CONFIRMED', '{"eta":"2026-12-01T20:00:00.000Z"}');
UPDATE orders SET status = 'CONFIRMED', updated_at = now() WHERE id = md5(:n::text)::uuid;
INSERT INTO outbox (id, topic, key, type, payload) VALUES (md5(:o::text || 'e')::uuid, 'order.events', md5(:n::text), 'OrderConfirmed', '{"id":"9b1f3c2e-0c4b-4a57-9d8e-6f1d2a3b4c5d","type":"EventType","key":"0b5e6a9c-1d2e-4f30-8a4b-5c6d7e8f9a0b","source":"service","occurredAt":"2026-11-30T20:00:00.000Z","data":{"orderId":"0b5e6a9c-1d2e-4f30-8a4b-5c6d7e8f9a0b","items":[{"sku":"bench-17","quantity":1}],"address":"12345 Bench Street"}}');
SELECT pg_notify('outbox', '');
END;
