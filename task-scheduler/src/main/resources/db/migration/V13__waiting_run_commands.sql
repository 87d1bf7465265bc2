-- Run commands from Kafka (naming only the task) that came before the task's definition: a task defined a moment
-- ago is on its way on the task-definitions topic. Each waits here, by the run id it will create, until the
-- definition comes (the run starts then) or until give_up_at (then it goes to the dead-letter topic).
CREATE TABLE waiting_command (
    run_id      uuid        PRIMARY KEY,
    tenant      text        NOT NULL,
    task        text        NOT NULL,
    event_id    text        NOT NULL,
    command     text        NOT NULL,
    received_at timestamptz NOT NULL,
    give_up_at  timestamptz NOT NULL
);
CREATE INDEX waiting_command_task ON waiting_command (tenant, task);
CREATE INDEX waiting_command_give_up ON waiting_command (give_up_at);
