-- Who wants to hear about which run events, and where.
CREATE TABLE subscription (
    id          uuid PRIMARY KEY,
    tenant      text        NOT NULL,
    task_name   text,
    statuses    text        NOT NULL,
    channel     text        NOT NULL,
    url         text        NOT NULL,
    secret      text        NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL
);
-- Matching an event is a look-up by tenant and task, not a scan of every subscription.
CREATE INDEX subscription_match ON subscription (tenant, task_name);

-- Each (subscription, event) is delivered at most once successfully; attempts are recorded.
CREATE TABLE delivery (
    id              uuid PRIMARY KEY,
    subscription_id uuid        NOT NULL REFERENCES subscription (id),
    event_id        text        NOT NULL,
    run_id          uuid        NOT NULL,
    status          text        NOT NULL,
    attempts        integer     NOT NULL,
    response_code   integer,
    latency_ms      bigint,
    last_error      text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT delivery_once UNIQUE (subscription_id, event_id)
);
CREATE INDEX delivery_by_subscription ON delivery (subscription_id, created_at DESC);
