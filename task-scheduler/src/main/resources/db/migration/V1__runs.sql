-- The scheduler's own view of each run: what to run (the pinned definition) and how far it got.
CREATE TABLE run (
    id           uuid PRIMARY KEY,
    tenant       text        NOT NULL,
    task_name    text        NOT NULL,
    task_version integer     NOT NULL,
    definition   text        NOT NULL,
    inputs       text        NOT NULL,
    status       text        NOT NULL,
    attempt      integer     NOT NULL,
    seq          bigint      NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX run_by_status ON run (status, updated_at);

-- Transactional outbox (relayed by io.taskmesh.outbox.OutboxRelay).
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
