-- What lists filter and search on, copied from the current version.
ALTER TABLE task ADD COLUMN title text;
ALTER TABLE task ADD COLUMN objective text NOT NULL DEFAULT '';
ALTER TABLE task ADD COLUMN labels text NOT NULL DEFAULT '{}';
CREATE INDEX task_by_tenant_name ON task (tenant, name);
CREATE INDEX task_labels ON task USING gin ((labels::jsonb));

-- Runs are listed newest first, per tenant, optionally by status.
CREATE INDEX run_by_tenant_created ON run (tenant, created_at DESC, id DESC);
CREATE INDEX run_by_tenant_status ON run (tenant, status, created_at DESC, id DESC);

-- Who did what to which task or run, when, from where. Append-only: the service never updates or deletes.
CREATE TABLE audit_entry (
    id           bigserial PRIMARY KEY,
    tenant       text        NOT NULL,
    subject      text        NOT NULL,
    action       text        NOT NULL,
    target_type  text        NOT NULL,
    target_id    text        NOT NULL,
    target_name  text,
    version      integer,
    detail       text,
    remote_addr  text,
    at           timestamptz NOT NULL
);
CREATE INDEX audit_by_tenant ON audit_entry (tenant, id DESC);
