-- Transfers: an agent in a session hands the customer to another agent or to a queue. The offer
-- to the target is a request of kind 'transfer' (so the claim's one conditional UPDATE decides
-- its one winner, and its expires_at its timeout); the owner's session records how it is going.

-- On a 'transfer' request: who hands the customer over, and from which session.
ALTER TABLE requests ADD COLUMN transfer_from BIGINT REFERENCES agents(id);
ALTER TABLE requests ADD COLUMN transfer_session BIGINT REFERENCES sessions(id);

-- On the owner's session: the latest transfer of it. transfer_outcome is waiting | taken |
-- came_back; transfer_to is what the owner picked, as shown ("Bo", or the queue's name).
ALTER TABLE sessions ADD COLUMN transfer_request BIGINT REFERENCES requests(id);
ALTER TABLE sessions ADD COLUMN transfer_to TEXT;
ALTER TABLE sessions ADD COLUMN transfer_until BIGINT;
ALTER TABLE sessions ADD COLUMN transfer_outcome TEXT;
ALTER TABLE sessions ADD COLUMN transfer_taken_by BIGINT REFERENCES agents(id);

-- How long a transfer waits for its target when the agent names no timeout.
ALTER TABLE teams ADD COLUMN transfer_timeout_secs BIGINT NOT NULL DEFAULT 300;
