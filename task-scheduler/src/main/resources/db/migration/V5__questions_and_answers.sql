-- A run in AWAITING_INPUT: the question its attempt stopped on, and every answer given so far (a JSON array
-- of RunRequest.Answer), sent with the request that resumes the attempt.
ALTER TABLE run ADD COLUMN question text;
ALTER TABLE run ADD COLUMN answers text NOT NULL DEFAULT '[]';
