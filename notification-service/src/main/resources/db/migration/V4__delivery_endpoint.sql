-- Each delivery names its endpoint (host[:port] of the URL, or smtp), so the worker can bound the sends in
-- flight per endpoint and skip a busy endpoint's queue in the query instead of scanning it.
ALTER TABLE delivery ADD COLUMN endpoint text NOT NULL DEFAULT '';
UPDATE delivery d
   SET endpoint = lower(substring(s.url from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/?#]*)'))
  FROM subscription s
 WHERE s.id = d.subscription_id AND s.url IS NOT NULL;
UPDATE delivery d SET endpoint = 'smtp' FROM subscription s WHERE s.id = d.subscription_id AND s.channel = 'email';
