-- Heads-Up LDS schema, SQLite flavour. migrations/postgres/ holds the same schema, version for
-- version; only the id columns differ (SQLite's rowid vs PostgreSQL's identity).
-- Every instant is milliseconds since the Unix epoch, UTC, so both backends store and compare
-- times the same way.

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    -- SHA-256 of the intake key; the key itself is printed once and never stored.
    intake_key_hash TEXT NOT NULL UNIQUE,
    offer_timeout_secs BIGINT NOT NULL,
    callback_delay_secs BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE agents (
    id INTEGER PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams(id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    -- The newest event sequence written for this agent: the gap-free counter.
    last_seq BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX agents_team ON agents(team_id);

CREATE TABLE tokens (
    -- SHA-256 of the bearer token; the token itself is never stored.
    hash TEXT PRIMARY KEY,
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX tokens_agent ON tokens(agent_id);

CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams(id),
    kind TEXT NOT NULL,
    customer_name TEXT,
    customer_phone TEXT,
    created_at BIGINT NOT NULL,
    due_at BIGINT,
    for_agent BIGINT REFERENCES agents(id),
    -- scheduled | pending | taken | timed_out | cancelled
    state TEXT NOT NULL,
    taken_by BIGINT REFERENCES agents(id),
    expires_at BIGINT,
    closed_at BIGINT
);
CREATE INDEX requests_team_state ON requests(team_id, state, created_at);
CREATE INDEX requests_state_due ON requests(state, due_at);
CREATE INDEX requests_state_expires ON requests(state, expires_at);

CREATE TABLE rejections (
    request_id BIGINT NOT NULL REFERENCES requests(id),
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    PRIMARY KEY (request_id, agent_id)
);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL UNIQUE REFERENCES requests(id),
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    kind TEXT NOT NULL,
    customer_name TEXT,
    customer_phone TEXT,
    agent_leg TEXT NOT NULL,
    customer_leg TEXT NOT NULL,
    state TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT
);
-- The busy rule as a constraint: an agent has at most one session that has not ended, whatever
-- races between processes.
CREATE UNIQUE INDEX sessions_one_open_per_agent ON sessions(agent_id) WHERE state <> 'ended';

CREATE TABLE events (
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    -- The `Event` as JSON (headsup_protocol::lds::Event).
    body TEXT NOT NULL,
    PRIMARY KEY (agent_id, seq)
);
CREATE INDEX events_at ON events(at);
