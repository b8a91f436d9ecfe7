-- Up Migration
-- The W3C trace context (traceparent, tracestate) of the span that wrote the row; the relay puts it
-- in the Kafka record's headers, so the consumer's span joins the writer's trace. NULL: written untraced.
ALTER TABLE outbox ADD COLUMN trace_context jsonb;

-- Down Migration
ALTER TABLE outbox DROP COLUMN trace_context;
