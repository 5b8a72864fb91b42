-- Call cases (seed 004): callbacks to make, in call lists of a team. A list is worked by the
-- agents it is granted to, directly or through a queue they serve (as contact lists are); a
-- queue may name the list its missed and dropped calls land in.

CREATE TABLE call_lists (
    id INTEGER PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams(id),
    name TEXT NOT NULL,
    max_attempts BIGINT NOT NULL DEFAULT 3,
    retry_delay_secs BIGINT NOT NULL DEFAULT 3600,
    -- An assigned case overdue by this long goes to the list's pool.
    grace_secs BIGINT NOT NULL DEFAULT 3600,
    -- An open case expires this long after its first due time.
    expiry_secs BIGINT NOT NULL DEFAULT 604800,
    created_at BIGINT NOT NULL,
    UNIQUE (team_id, name)
);

CREATE TABLE call_list_access (
    list_id BIGINT NOT NULL REFERENCES call_lists(id),
    agent_id BIGINT REFERENCES agents(id),
    queue_id BIGINT REFERENCES queues(id),
    CHECK ((agent_id IS NULL) <> (queue_id IS NULL))
);
CREATE UNIQUE INDEX call_list_access_agent ON call_list_access(list_id, agent_id)
    WHERE agent_id IS NOT NULL;
CREATE UNIQUE INDEX call_list_access_queue ON call_list_access(list_id, queue_id)
    WHERE queue_id IS NOT NULL;

-- A list's handling codes: effect is closed_successfully | closed_wrong_number | retry |
-- call_back_at.
CREATE TABLE call_list_codes (
    list_id BIGINT NOT NULL REFERENCES call_lists(id),
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    effect TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (list_id, code)
);

-- Where a queue's missed and dropped calls become cases (NULL: nowhere).
ALTER TABLE queues ADD COLUMN call_list_id BIGINT REFERENCES call_lists(id);

CREATE TABLE call_cases (
    id INTEGER PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams(id),
    list_id BIGINT NOT NULL REFERENCES call_lists(id),
    -- E.164.
    phone TEXT NOT NULL,
    contact_id BIGINT REFERENCES contacts(id),
    source TEXT NOT NULL,
    -- open | closed
    state TEXT NOT NULL DEFAULT 'open',
    -- For closed: successful | wrong_number | unreachable | expired | closed_by_agent.
    closure TEXT,
    due_at BIGINT NOT NULL,
    time_zone TEXT,
    -- NULL: the list's pool.
    assignee BIGINT REFERENCES agents(id),
    -- The agent calling it now (one at a time; set by one conditional UPDATE).
    calling_agent BIGINT REFERENCES agents(id),
    attempts BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL,
    -- The due time the due scan last announced (so each due time is announced once).
    due_announced BIGINT,
    created_at BIGINT NOT NULL,
    closed_at BIGINT
);
-- One open case per phone number per list.
CREATE UNIQUE INDEX call_cases_one_open ON call_cases(list_id, phone) WHERE state = 'open';
CREATE INDEX call_cases_list_state_due ON call_cases(list_id, state, due_at);
CREATE INDEX call_cases_state_due ON call_cases(state, due_at);
CREATE INDEX call_cases_state_expiry ON call_cases(state, expires_at);

CREATE TABLE call_case_history (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES call_cases(id),
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    agent_id BIGINT REFERENCES agents(id),
    code TEXT,
    text TEXT
);
CREATE INDEX call_case_history_case ON call_case_history(case_id, id);

-- The voicemail a customer left for a case (the latest one): the audio base64-encoded, so both
-- databases store it as text. Fetched only by agents who may work the case.
CREATE TABLE call_case_voicemails (
    case_id BIGINT PRIMARY KEY REFERENCES call_cases(id),
    content_type TEXT NOT NULL,
    audio TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
