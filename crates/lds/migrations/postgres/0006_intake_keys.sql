-- Intake's Idempotency-Key (docs/protocol.md, "Retrying an intake"): the first answer to each
-- key of a team, kept for a day (the clock deletes older rows). Written in the same transaction
-- as the request it created, so a crash keeps both or neither. The same in both backends.

CREATE TABLE intake_keys (
    team_id BIGINT NOT NULL REFERENCES teams(id),
    -- As the client sent it: 1 to 255 visible ASCII characters.
    idempotency_key TEXT NOT NULL,
    -- SHA-256 (hex) of the request body as parsed: a retry must send the same body.
    body_sha256 TEXT NOT NULL,
    request_id BIGINT NOT NULL REFERENCES requests(id),
    -- The first answer, sent again to every retry: its HTTP status and JSON body.
    status BIGINT NOT NULL,
    response TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, idempotency_key)
);
CREATE INDEX intake_keys_created ON intake_keys(created_at);
