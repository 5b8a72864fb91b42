-- The event log becomes the one thing a write must make durable before agents hear of it:
-- each fan-out is one `event_bodies` row that also names its audience. Per-agent sequence
-- numbers are not written by the intake any more; they follow from the log (see
-- src/store/sequencer.rs): an agent's newest number in the index as of `indexed_through`
-- (or `agents.last_seq` once pruning removed its rows) plus one for every later entry whose
-- audience holds the agent, in log order. The per-agent index (`events` rows) is written
-- behind, in batches, and is rebuilt from the log after a crash.

-- Comma-separated agent ids, ascending. NULL for entries written before this migration: their
-- per-agent rows were written with them.
ALTER TABLE event_bodies ADD COLUMN audience TEXT;

-- One row: every log entry up to `indexed_through` has all its per-agent rows.
CREATE TABLE log_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_through BIGINT NOT NULL
);
INSERT INTO log_state (id, indexed_through) SELECT 1, COALESCE(MAX(id), 0) FROM event_bodies;

-- Every intake asks which agents of the team hold a live token; with this index that is one
-- index probe per agent, without reading the token rows.
CREATE INDEX tokens_live ON tokens(agent_id, expires_at) WHERE revoked_at IS NULL;
