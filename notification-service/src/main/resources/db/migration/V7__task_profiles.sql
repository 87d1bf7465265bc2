-- What the service knows of each task, from taskmesh.task-definitions: its labels (for subscriptions that select
-- tasks by label), whether its results are deliverables (and whether a person validates them first), its state.
CREATE TABLE task_profile (
    tenant       text        NOT NULL,
    name         text        NOT NULL,
    task_id      uuid        NOT NULL,
    version      integer     NOT NULL,
    state        text        NOT NULL,
    labels       text        NOT NULL,
    deliverable  boolean     NOT NULL,
    validated    boolean     NOT NULL,
    changed_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant, name)
);
-- A subscription may select tasks by label: a JSON object, every pair of which the task's labels must hold.
ALTER TABLE subscription ADD COLUMN labels text;
-- A task's default notifications ("notifications" in its definition) are subscriptions the service keeps for it.
ALTER TABLE subscription ADD COLUMN managed_by_task uuid;
-- Deleted subscriptions stay for their delivery history, and match nothing.
ALTER TABLE subscription ADD COLUMN deleted_at timestamptz;
CREATE INDEX subscription_by_managing_task ON subscription (managed_by_task) WHERE managed_by_task IS NOT NULL;
-- Events about a task (it was deactivated) have no run.
ALTER TABLE delivery ALTER COLUMN run_id DROP NOT NULL;
