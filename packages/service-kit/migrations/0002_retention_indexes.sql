-- Up Migration
-- Retention deletes published outbox rows and processed-message marks by age, oldest first, in
-- small batches; these indexes let each batch find its rows without scanning the table. The outbox
-- one also answers "when did any replica last publish" (readiness) with one index lookup.
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX processed_messages_processed_at ON processed_messages (processed_at);

-- Down Migration
DROP INDEX processed_messages_processed_at;
DROP INDEX outbox_published_at;
