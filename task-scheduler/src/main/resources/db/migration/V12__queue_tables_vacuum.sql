-- Time triggers move to their next fire time every time they fire: 100,000 schedules firing each minute leave
-- 100,000 dead rows a minute, at the head of the next_fire_at index that every claim of due triggers starts at.
-- As the outbox (R__outbox_vacuum.sql): vacuumed after every 5,000 dead rows, unthrottled.
ALTER TABLE time_trigger SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
    autovacuum_vacuum_cost_delay = 0);
