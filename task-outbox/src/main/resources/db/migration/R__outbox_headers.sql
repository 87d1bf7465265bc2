-- Kafka headers to publish with an event besides its CloudEvent attributes, as a JSON object of strings (null:
-- none): say, the dead-letter-reason of a record the service sets aside on a dead-letter topic itself. Shipped
-- with the outbox, as R__outbox_trace_context.sql.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS headers text;
-- kept with an event the broker refused for good (R__outbox_dead.sql, which runs before this one)
ALTER TABLE outbox_dead ADD COLUMN IF NOT EXISTS headers text;
