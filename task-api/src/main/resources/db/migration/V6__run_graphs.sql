-- Run graphs: a node's parent run (whose subtask it is) and the runs it waits for (a JSON array of run ids), as
-- the scheduler announces them with the node's first event. Children are listed newest first, like every list.
ALTER TABLE run ADD COLUMN parent_run_id uuid;
ALTER TABLE run ADD COLUMN dependency_run_ids text;
CREATE INDEX run_by_parent ON run (tenant, parent_run_id, created_at DESC, id DESC) WHERE parent_run_id IS NOT NULL;
