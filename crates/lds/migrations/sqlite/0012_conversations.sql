-- Chats (seeds 001 and 003): a chat request opens a conversation; its messages and notes are
-- stored in order, each once per sender-chosen id.

CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams(id),
    queue_id BIGINT REFERENCES queues(id),
    -- 'web' (the LDS's widget) or 'whatsapp' (a provider).
    channel TEXT NOT NULL,
    -- SHA-256 of the customer's token, hex; the token itself is never stored.
    token_hash TEXT UNIQUE,
    customer_name TEXT,
    customer_phone TEXT,
    -- The chat request that opened it, or reopened it last.
    request_id BIGINT NOT NULL REFERENCES requests(id),
    -- 'waiting' (for an agent), 'open' (with one), 'closed'.
    state TEXT NOT NULL,
    agent_id BIGINT REFERENCES agents(id),
    first_agent_id BIGINT REFERENCES agents(id),
    started_at BIGINT NOT NULL,
    closed_at BIGINT,
    last_customer_at BIGINT
);
CREATE INDEX conversations_request ON conversations(request_id);

-- The session serving a chat (its legs are 'not_used').
ALTER TABLE sessions ADD COLUMN conversation_id BIGINT REFERENCES conversations(id);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    -- Whose id space `client_id` is in: 'customer' or 'agent' (agents' messages and notes).
    side TEXT NOT NULL,
    client_id TEXT NOT NULL,
    -- 'customer', 'agent' or 'note'.
    author TEXT NOT NULL,
    agent_id BIGINT REFERENCES agents(id),
    body TEXT NOT NULL,
    -- 'sent', 'delivered', 'read', 'failed'.
    state TEXT NOT NULL,
    failed_reason TEXT,
    at BIGINT NOT NULL,
    UNIQUE (conversation_id, side, client_id)
);

-- The agents a conversation has been with, and how far each has read (the same on all their
-- devices); a row per agent is also what puts it in their interactions list.
CREATE TABLE conversation_reads (
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    read_up_to BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, agent_id)
);
CREATE INDEX conversation_reads_agent ON conversation_reads(agent_id, conversation_id);

-- A queue's canned answers (seed 003).
CREATE TABLE canned_answers (
    queue_id BIGINT NOT NULL REFERENCES queues(id),
    code TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (queue_id, code)
);
