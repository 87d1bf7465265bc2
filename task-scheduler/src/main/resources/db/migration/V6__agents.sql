-- The tenants' agents as announced on the task-definitions topic, to resolve the agent a run's task names.
CREATE TABLE agent (
    id          text PRIMARY KEY,
    tenant      text        NOT NULL,
    name        text        NOT NULL,
    definition  text        NOT NULL,
    is_default  boolean     NOT NULL,
    changed_at  timestamptz NOT NULL
);
CREATE INDEX agent_defaults ON agent (tenant, changed_at DESC) WHERE is_default;
