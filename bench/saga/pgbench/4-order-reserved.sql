-- order on StockReserved: mark the message, lock the order, add history, move it to RESERVED.
\set n random(1, :orders)
\set o random(1000000, 9000000000000000)
BEGIN;
INSERT INTO processed_messages (message_id, consumer) VALUES (md5(:o::text || 'm')::uuid, 'order') ON CONFLICT DO NOTHING;
SELECT status FROM orders WHERE id = md5(:n::text)::uuid FOR UPDATE;
INSERT INTO order_history (order_id, seq, event, status, detail) VALUES (md5(:n::text)::uuid, (SELECT coalesce(max(seq), 0) + 1 FROM order_history WHERE order_id = md5(:n::text)::uuid), 'StockReserved', 'RESERVED', '{"items":[{"sku":"bench-1","quantity":1}]}');
UPDATE orders SET status = 'RESERVED', updated_at = now() WHERE id = md5(:n::text)::uuid;
END;
