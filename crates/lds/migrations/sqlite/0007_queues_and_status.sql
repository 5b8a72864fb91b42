-- Queues inside a team, and the agent's status. Every team gets one default queue, fed by the
-- team's intake key, with every agent of the team in it and every request of the team in it;
-- nothing else changes, so a server of the release before this one and a client of it see the
-- same offers as before.

CREATE TABLE queues (
    id INTEGER PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams(id),
    name TEXT NOT NULL,
    -- SHA-256 of the queue's own intake key; NULL: the queue is fed through the team's key
    -- (with the queue's name in the body, or as the default queue).
    intake_key_hash TEXT UNIQUE,
    offer_timeout_secs BIGINT NOT NULL,
    -- ring_all: every available member at once. longest_idle: one available member at a time,
    -- the one free the longest, for ring_secs; a reject or the ring's end passes it on.
    distribution TEXT NOT NULL DEFAULT 'ring_all',
    ring_secs BIGINT NOT NULL DEFAULT 20,
    -- After a session: none | optional | required (a disposition must be given). Either way
    -- the LDS closes it after wrap_up_secs with the disposition 'timeout'.
    wrap_up TEXT NOT NULL DEFAULT 'none',
    wrap_up_secs BIGINT NOT NULL DEFAULT 60,
    -- 1 for the queue the team's intake key feeds when the body names none; 0 otherwise.
    is_default BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (team_id, name)
);
CREATE UNIQUE INDEX queues_one_default ON queues(team_id) WHERE is_default = 1;

CREATE TABLE queue_members (
    queue_id BIGINT NOT NULL REFERENCES queues(id),
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    PRIMARY KEY (queue_id, agent_id)
);
CREATE INDEX queue_members_agent ON queue_members(agent_id);

INSERT INTO queues (team_id, name, intake_key_hash, offer_timeout_secs, is_default, created_at)
    SELECT id, 'default', NULL, offer_timeout_secs, 1, created_at FROM teams;
INSERT INTO queue_members (queue_id, agent_id)
    SELECT q.id, a.id FROM agents a JOIN queues q ON q.team_id = a.team_id AND q.is_default = 1;

ALTER TABLE requests ADD COLUMN queue_id BIGINT REFERENCES queues(id);
UPDATE requests SET queue_id =
    (SELECT q.id FROM queues q WHERE q.team_id = requests.team_id AND q.is_default = 1);
CREATE INDEX requests_queue_state ON requests(queue_id, state);
-- longest_idle: the one agent a pending request is offered to now, and until when (NULL: nobody
-- is, for now). ring_all requests leave both NULL.
ALTER TABLE requests ADD COLUMN offered_to BIGINT REFERENCES agents(id);
ALTER TABLE requests ADD COLUMN ring_until BIGINT;
CREATE INDEX requests_state_ring ON requests(state, ring_until);
-- Who let a longest_idle offer run out: it is not offered to them again.
CREATE TABLE passes (
    request_id BIGINT NOT NULL REFERENCES requests(id),
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    PRIMARY KEY (request_id, agent_id)
);

-- available | not_ready. In a session and signed out follow from `sessions` and `live_until`.
ALTER TABLE agents ADD COLUMN status TEXT NOT NULL DEFAULT 'available';
-- For not_ready: a `status_reasons.code` of the agent's team.
ALTER TABLE agents ADD COLUMN status_reason TEXT;
ALTER TABLE agents ADD COLUMN status_since BIGINT;
-- When the agent last became free and available (a session ended, or available again): the
-- order of longest_idle. NULL counts as the longest.
ALTER TABLE agents ADD COLUMN idle_since BIGINT;

CREATE TABLE status_reasons (
    team_id BIGINT NOT NULL REFERENCES teams(id),
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    -- The order agents see them in.
    position BIGINT NOT NULL,
    PRIMARY KEY (team_id, code)
);
INSERT INTO status_reasons (team_id, code, label, position) SELECT id, 'break', 'Break', 1 FROM teams;
INSERT INTO status_reasons (team_id, code, label, position) SELECT id, 'lunch', 'Lunch', 2 FROM teams;
INSERT INTO status_reasons (team_id, code, label, position) SELECT id, 'training', 'Training', 3 FROM teams;

-- The team's rule "not ready after N missed offers": NULL (off) or N >= 1. An offer is missed
-- when it times out while the agent was offered it; taking a customer or setting a status
-- starts the count again.
ALTER TABLE teams ADD COLUMN not_ready_after_missed BIGINT;
ALTER TABLE agents ADD COLUMN missed_offers BIGINT NOT NULL DEFAULT 0;

-- The queue's disposition codes: how a session ended.
CREATE TABLE dispositions (
    queue_id BIGINT NOT NULL REFERENCES queues(id),
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (queue_id, code)
);
-- A wrap-up in progress (agents.status = 'wrap_up'): its session and when the LDS closes it.
ALTER TABLE agents ADD COLUMN wrap_up_session BIGINT REFERENCES sessions(id);
ALTER TABLE agents ADD COLUMN wrap_up_until BIGINT;
CREATE INDEX agents_wrap_up ON agents(status, wrap_up_until);
-- Stored with the session when its wrap-up closes ('timeout' when the LDS closed it).
ALTER TABLE sessions ADD COLUMN disposition TEXT;
ALTER TABLE sessions ADD COLUMN disposition_note TEXT;
ALTER TABLE sessions ADD COLUMN wrapped_up_at BIGINT;
