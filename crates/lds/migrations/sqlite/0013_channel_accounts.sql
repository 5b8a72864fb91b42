-- External messaging channels (issue 16): a channel account is how customers of one queue reach
-- the team on one kind of channel; 'web' is the built-in widget, 'fake_whatsapp' the simulated
-- WhatsApp provider. A conversation names the account it came through (none for chats stored
-- before this migration: they are web chats).

CREATE TABLE channel_accounts (
    id INTEGER PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams(id),
    -- The queue its customers wait in.
    queue_id BIGINT NOT NULL REFERENCES queues(id),
    -- 'web' or 'fake_whatsapp'.
    kind TEXT NOT NULL,
    UNIQUE (queue_id, kind)
);

ALTER TABLE conversations ADD COLUMN channel_account_id BIGINT REFERENCES channel_accounts(id);
-- A provider's customer is their phone (E.164): one conversation per phone and account.
CREATE INDEX conversations_address ON conversations(channel_account_id, customer_phone);

-- A team's message templates: what may be sent on a provider channel outside its free-text
-- window. '{name}' in a body is replaced by the customer's name.
CREATE TABLE message_templates (
    team_id BIGINT NOT NULL REFERENCES teams(id),
    code TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (team_id, code)
);
