-- Event triggers of active tasks: the CloudEvent type on a Kafka topic that starts a run of the task.
CREATE TABLE event_trigger (
    id            uuid PRIMARY KEY,
    task_id       uuid        NOT NULL REFERENCES task_definition (task_id),
    position      integer     NOT NULL,
    topic         text        NOT NULL,
    event_type    text        NOT NULL,
    spec          text        NOT NULL,
    -- events published earlier do not fire it (a new or reactivated trigger does not replay the topic)
    active_since  timestamptz NOT NULL
);
CREATE INDEX event_trigger_by_event ON event_trigger (topic, event_type);
CREATE INDEX event_trigger_by_task ON event_trigger (task_id);

-- Each (trigger, event) fires once: a redelivered event, or one read again after a rebalance, finds its row.
-- CloudEvents are unique by source and id.
CREATE TABLE event_trigger_fire (
    trigger_id    uuid        NOT NULL,
    event_source  text        NOT NULL,
    event_id      text        NOT NULL,
    run_id        uuid        NOT NULL,
    fired_at      timestamptz NOT NULL,
    PRIMARY KEY (trigger_id, event_source, event_id)
);
