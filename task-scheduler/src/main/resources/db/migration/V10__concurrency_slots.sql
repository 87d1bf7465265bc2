-- Concurrency slots. A run holds a slot of its task (limits.maxConcurrentRuns) and of its tenant from its first
-- QUEUED until it ends for good; a run that found no free slot waits, oldest first, from waiting_since.
ALTER TABLE run ADD COLUMN waiting_since timestamptz;
CREATE INDEX run_waiting ON run (tenant, waiting_since) WHERE waiting_since IS NOT NULL;
CREATE INDEX run_in_progress ON run (tenant, task_name)
    WHERE status IN ('QUEUED', 'RUNNING', 'AWAITING_INPUT', 'AWAITING_VALIDATION', 'REVISE')
       OR (status = 'FAILED' AND next_attempt_at IS NOT NULL);
