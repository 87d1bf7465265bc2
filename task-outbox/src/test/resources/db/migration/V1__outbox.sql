-- The outbox table as each service creates it in its own first migration (the trace columns come from
-- the outbox's own repeatable migration, as they do in the services).
CREATE TABLE outbox (
    id           uuid PRIMARY KEY,
    position     bigserial   NOT NULL,
    topic        text        NOT NULL,
    message_key  text        NOT NULL,
    type         text        NOT NULL,
    subject      text,
    payload      text        NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX outbox_position ON outbox (position);
