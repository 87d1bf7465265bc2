-- The outbox is a queue: every row is inserted, relayed within moments and deleted. Its dead rows sit at the head
-- of the lanes' index, where every claim starts, until a vacuum removes them; with PostgreSQL's defaults (20 % of
-- the table, throttled) that is once a minute at best, and under a steady flow each claim then steps over up to a
-- minute's worth of dead rows. Vacuumed after every 5,000 dead rows, unthrottled: a vacuum of a table that small is
-- over in moments. How often autovacuum looks is the server's autovacuum_naptime (10 s in deploy/).
ALTER TABLE outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
    autovacuum_vacuum_cost_delay = 0, autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 50000);
