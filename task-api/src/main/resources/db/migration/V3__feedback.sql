-- Feedback people gave on a run's result (KaibanJS feedbackHistory): PENDING until an attempt takes it.
CREATE TABLE run_feedback (
    id          uuid PRIMARY KEY,
    run_id      uuid        NOT NULL REFERENCES run (id),
    content     text        NOT NULL,
    status      text        NOT NULL,
    attempt     integer     NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL
);
CREATE INDEX run_feedback_by_run ON run_feedback (run_id, created_at);
