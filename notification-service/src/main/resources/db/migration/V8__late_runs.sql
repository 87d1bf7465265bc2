-- The triggers of each task (its time triggers tell when a run it started is late).
ALTER TABLE task_profile ADD COLUMN triggers text NOT NULL DEFAULT '[]';
-- Runs started by a time trigger, watched until they end: one still going at its trigger's next fire time is
-- late (RUN_LATE), told once.
CREATE TABLE late_watch (
    run_id     uuid PRIMARY KEY,
    tenant     text        NOT NULL,
    task       text        NOT NULL,
    trigger    text        NOT NULL,
    fire_time  timestamptz NOT NULL,
    late_at    timestamptz NOT NULL
);
CREATE INDEX late_watch_due ON late_watch (late_at);
