-- Task definitions: one row per task, one immutable row per version.
CREATE TABLE task (
    id              uuid PRIMARY KEY,
    tenant          text        NOT NULL,
    name            text        NOT NULL,
    state           text        NOT NULL,
    current_version integer     NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    created_by      text        NOT NULL,
    CONSTRAINT task_name_unique UNIQUE (tenant, name)
);

CREATE TABLE task_version (
    task_id     uuid        NOT NULL REFERENCES task (id),
    version     integer     NOT NULL,
    definition  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL,
    PRIMARY KEY (task_id, version)
);

-- Read model of runs, projected from run events (idempotent by per-run seq).
CREATE TABLE run (
    id               uuid PRIMARY KEY,
    tenant           text        NOT NULL,
    task_id          uuid        NOT NULL REFERENCES task (id),
    task_name        text        NOT NULL,
    task_version     integer     NOT NULL,
    status           text        NOT NULL,
    seq              bigint      NOT NULL DEFAULT 0,
    attempt          integer     NOT NULL DEFAULT 0,
    inputs           text        NOT NULL,
    result           text,
    error_code       text,
    error_message    text,
    idempotency_key  text,
    requested_by     text        NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz
);
CREATE UNIQUE INDEX run_idempotency ON run (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX run_by_task ON run (tenant, task_name, created_at DESC);

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
