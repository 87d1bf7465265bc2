-- What each attempt of a run reported when it ended: step outputs and the agent's transcript. Kept apart
-- from run so that lists never load it.
CREATE TABLE run_attempt_detail (
    id       uuid PRIMARY KEY,
    run_id   uuid    NOT NULL REFERENCES run (id),
    attempt  integer NOT NULL,
    details  text    NOT NULL,
    UNIQUE (run_id, attempt)
);
