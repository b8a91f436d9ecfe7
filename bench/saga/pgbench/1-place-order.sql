-- POST /orders: the order, its first history row and OrderPlaced in the outbox (place-order.service.ts).
\set o random(1000000, 9000000000000000)
\set s random(0, :skus - 1)
BEGIN;
INSERT INTO orders (id, status, items, address, delivery_fee, fee_source) VALUES (md5(:o::text)::uuid, 'PENDING', ('[{"sku":"bench-' || :s::text || '","quantity":1}]')::jsonb, :o::text || ' Bench Street', 4.99, 'quote');
INSERT INTO order_history (order_id, seq, event, status, detail) VALUES (md5(:o::text)::uuid, (SELECT coalesce(max(seq), 0) + 1 FROM order_history WHERE order_id = md5(:o::text)::uuid), 'OrderPlaced', 'PENDING', '{}');
INSERT INTO outbox (id, topic, key, type, payload) VALUES (md5(:o::text || 'e')::uuid, 'order.events', md5(:o::text), 'OrderPlaced', '{"id":"9b1f3c2e-0c4b-4a57-9d8e-6f1d2a3b4c5d","type":"EventType","key":"0b5e6a9c-1d2e-4f30-8a4b-5c6d7e8f9a0b","source":"service","occurredAt":"2026-11-30T20:00:00.000Z","data":{"orderId":"0b5e6a9c-1d2e-4f30-8a4b-5c6d7e8f9a0b","items":[{"sku":"bench-17","quantity":1}],"address":"12345 Bench Street"}}');
SELECT pg_notify('outbox', '');
END;
