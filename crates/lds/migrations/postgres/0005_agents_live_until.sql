-- Who is signed in, without a token probe per agent: every intake and every claim asks which of
-- a team's agents hold a live token, and at 10,000 agents one index probe each was most of the
-- intake's time. `live_until` is the latest expiry among the agent's unrevoked tokens (NULL:
-- none); the agent is signed in while it is in the future. A trigger keeps it, so every writer
-- of `tokens` does, whatever its code. (Deleting expired tokens needs no trigger: their expiry
-- is past, which is what `live_until` then says.)
ALTER TABLE agents ADD COLUMN live_until BIGINT;
UPDATE agents a SET live_until =
    (SELECT MAX(t.expires_at) FROM tokens t WHERE t.agent_id = a.id AND t.revoked_at IS NULL);

CREATE FUNCTION agents_refresh_live_until() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Lock the agent first: a concurrent sign-in or sign-out of the same agent then commits
    -- before the next statement, whose fresh snapshot (READ COMMITTED) sees its token.
    PERFORM 1 FROM agents WHERE id = NEW.agent_id FOR UPDATE;
    UPDATE agents SET live_until =
        (SELECT MAX(t.expires_at) FROM tokens t WHERE t.agent_id = NEW.agent_id AND t.revoked_at IS NULL)
    WHERE id = NEW.agent_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER tokens_issued_live_until AFTER INSERT ON tokens
    FOR EACH ROW EXECUTE FUNCTION agents_refresh_live_until();
CREATE TRIGGER tokens_changed_live_until AFTER UPDATE OF revoked_at, expires_at ON tokens
    FOR EACH ROW EXECUTE FUNCTION agents_refresh_live_until();

CREATE INDEX agents_team_live ON agents(team_id, live_until);
