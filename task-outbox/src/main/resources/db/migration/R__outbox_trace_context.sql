-- The W3C trace context (traceparent, tracestate) of the transaction that stored each event, so that the
-- relay publishes the event in that trace. Shipped with the outbox itself, as a repeatable migration: every
-- service with an outbox table (in its own schema, the migrations' default) gets it after its own versioned ones.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS trace_parent text;
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS trace_state text;
