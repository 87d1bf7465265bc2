-- Outbox rows the broker refused for good (a record larger than it takes, a topic name it rejects): set aside
-- here with the reason, so that the events behind them go on. Shipped with the outbox, as a repeatable
-- migration, for every service with an outbox table.
CREATE TABLE IF NOT EXISTS outbox_dead (
    id           uuid PRIMARY KEY,
    topic        text        NOT NULL,
    message_key  text        NOT NULL,
    type         text        NOT NULL,
    subject      text,
    payload      text        NOT NULL,
    reason       text        NOT NULL,
    failed_at    timestamptz NOT NULL
);
