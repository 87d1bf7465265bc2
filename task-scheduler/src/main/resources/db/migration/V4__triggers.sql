-- The latest definition of each task, from the task-definitions topic: what triggers run.
CREATE TABLE task_definition (
    task_id     uuid PRIMARY KEY,
    tenant      text        NOT NULL,
    name        text        NOT NULL,
    version     integer     NOT NULL,
    state       text        NOT NULL,
    definition  text        NOT NULL,
    changed_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX task_definition_name ON task_definition (tenant, name);

-- Time triggers (schedule, interval, once) of active tasks, with their next fire time.
CREATE TABLE time_trigger (
    id            uuid PRIMARY KEY,
    task_id       uuid        NOT NULL REFERENCES task_definition (task_id),
    position      integer     NOT NULL,
    spec          text        NOT NULL,
    next_fire_at  timestamptz,
    created_at    timestamptz NOT NULL
);
CREATE INDEX time_trigger_due ON time_trigger (next_fire_at) WHERE next_fire_at IS NOT NULL;
CREATE INDEX time_trigger_by_task ON time_trigger (task_id);

-- Each (trigger, fire time) fires once, whatever the number of scheduler replicas.
CREATE TABLE trigger_fire (
    trigger_id  uuid        NOT NULL,
    fire_time   timestamptz NOT NULL,
    run_id      uuid        NOT NULL,
    fired_at    timestamptz NOT NULL,
    PRIMARY KEY (trigger_id, fire_time)
);
