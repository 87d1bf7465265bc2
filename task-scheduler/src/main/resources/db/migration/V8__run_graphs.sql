-- Run graphs: a run of a task with subtasks or dependsOn expands into one run per node, all created together.
-- root_run_id names the run whose start expanded the graph (the root itself included); null outside graphs.
-- parent_run_id: the run whose subtask this one is.
ALTER TABLE run ADD COLUMN root_run_id uuid;
ALTER TABLE run ADD COLUMN parent_run_id uuid;
CREATE INDEX run_by_root ON run (root_run_id) WHERE root_run_id IS NOT NULL;
CREATE INDEX run_by_parent ON run (parent_run_id) WHERE parent_run_id IS NOT NULL;

-- What each node waits for: its dependencies (kind 'dependency', its parents' included) and its subtasks
-- (kind 'subtask'). A node starts once every run it needs has succeeded.
CREATE TABLE run_link (
    run_id        uuid NOT NULL REFERENCES run (id),
    needs_run_id  uuid NOT NULL REFERENCES run (id),
    kind          text NOT NULL,
    PRIMARY KEY (run_id, needs_run_id)
);
CREATE INDEX run_link_needed ON run_link (needs_run_id);
