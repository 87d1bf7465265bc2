-- A tenant's agents (KaibanJS/ControlFlow agents): who carries out tasks that name them; at most one default.
CREATE TABLE agent (
    id          uuid PRIMARY KEY,
    tenant      text        NOT NULL,
    name        text        NOT NULL,
    definition  text        NOT NULL,
    is_default  boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    created_by  text        NOT NULL,
    UNIQUE (tenant, name)
);
CREATE UNIQUE INDEX agent_one_default ON agent (tenant) WHERE is_default;
