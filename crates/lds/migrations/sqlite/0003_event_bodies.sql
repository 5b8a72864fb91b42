-- Each fan-out's event body is stored once, in `event_bodies`; the per-agent log keeps only
-- `(agent_id, seq, body_id)`. Before, a fan-out to N agents wrote the full JSON N times, and
-- the commit wrote all of it to the WAL. The per-agent sequence numbers and `agents.last_seq`
-- are untouched, so every client's `last_seq` stays valid across this migration.

CREATE TABLE event_bodies (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    -- The `Event` as JSON (headsup_protocol::lds::Event).
    body TEXT NOT NULL
);
CREATE INDEX event_bodies_at ON event_bodies(at);

-- WITHOUT ROWID: the primary key is the table, so a row costs one b-tree entry, not two.
CREATE TABLE events_narrow (
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    seq BIGINT NOT NULL,
    body_id BIGINT NOT NULL REFERENCES event_bodies(id),
    PRIMARY KEY (agent_id, seq)
) WITHOUT ROWID;

-- One body per distinct (at, body): what one fan-out wrote to every agent.
INSERT INTO event_bodies (at, body) SELECT DISTINCT at, body FROM events ORDER BY at;
INSERT INTO events_narrow (agent_id, seq, body_id)
    SELECT e.agent_id, e.seq, b.id FROM events e JOIN event_bodies b ON b.at = e.at AND b.body = e.body;

DROP TABLE events;
ALTER TABLE events_narrow RENAME TO events;
-- Body ids only grow, so this index is appended at its right edge (cheap per fan-out); pruning
-- and the foreign key's checks on deleting a body use it.
CREATE INDEX events_body ON events(body_id);
