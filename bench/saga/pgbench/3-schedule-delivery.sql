-- delivery on StockReserved: mark the message, check, insert the delivery, DeliveryScheduled.
\set o random(1000000, 9000000000000000)
BEGIN;
INSERT INTO processed_messages (message_id, consumer) VALUES (md5(:o::text || 'm')::uuid, 'delivery') ON CONFLICT DO NOTHING;
SELECT 1 FROM deliveries WHERE order_id = md5(:o::text)::uuid;
INSERT INTO deliveries (order_id, address, status, eta) VALUES (md5(:o::text)::uuid, :o::text || ' Bench Street', 'SCHEDULED', now() + interval '1 day');
INSERT INTO outbox (id, topic, key, type, payload) VALUES (md5(:o::text || 'e')::uuid, 'delivery.events', md5(:o::text), 'DeliveryScheduled', '{"id":"9b1f3c2e-0c4b-4a57-9d8e-6f1d2a3b4c5d","type":"EventType","key":"0b5e6a9c-1d2e-4f30-8a4b-5c6d7e8f9a0b","source":"service","occurredAt":"2026-11-30T20:00:00.000Z","data":{"orderId":"0b5e6a9c-1d2e-4f30-8a4b-5c6d7e8f9a0b","items":[{"sku":"bench-17","quantity":1}],"address":"12345 Bench Street"}}');
SELECT pg_notify('outbox', '');
END;
