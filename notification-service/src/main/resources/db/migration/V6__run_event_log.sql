-- Every run event, kept for the retention window, so a live stream that reconnects with Last-Event-ID
-- (the seq) resumes without gaps. Rows are written one at a time under an advisory lock, so they become
-- visible in seq order and a reader that has seen seq n never sees a smaller one appear later.
CREATE TABLE run_event_log (
    seq        bigserial PRIMARY KEY,
    event_id   text        NOT NULL UNIQUE,
    tenant     text        NOT NULL,
    task_name  text        NOT NULL,
    status     text        NOT NULL,
    event_type text        NOT NULL,
    body       text        NOT NULL,
    at         timestamptz NOT NULL,
    stored_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX run_event_log_by_tenant ON run_event_log (tenant, seq);
CREATE INDEX run_event_log_by_age ON run_event_log (stored_at);
