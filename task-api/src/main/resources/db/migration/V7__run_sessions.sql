-- The session a run was started in (runs of one session share their session memory); null: a session of its own.
ALTER TABLE run ADD COLUMN session_id text;
