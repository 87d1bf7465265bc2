-- What runs remember: key-value pairs per scope and owner (scope 'run': the run's id; 'session': the session's
-- name; 'permanent': the task's name), written from the outcomes of attempts and handed to the next requests.
CREATE TABLE memory_entry (
    tenant     text        NOT NULL,
    scope      text        NOT NULL CHECK (scope IN ('run', 'session', 'permanent')),
    owner      text        NOT NULL,
    key        text        NOT NULL,
    value      text        NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant, scope, owner, key)
);
-- The session a run belongs to (null: its graph's root run, or itself), and the outputs of the steps its attempt
-- had finished when it stopped to wait for a person: the resumed attempt does not carry them out again.
ALTER TABLE run ADD COLUMN session_id text;
ALTER TABLE run ADD COLUMN progress text;
