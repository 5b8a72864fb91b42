-- Chat attachments (issue 16): at most one file per message, up to 15 MiB. The bytes live in the
-- database, in their own table, so both backends' backups hold them and a message never points
-- at a file that a restore left behind; metadata reads never touch the bytes.

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    -- Who uploaded it: 'customer' or 'agent' (then `agent_id`).
    side TEXT NOT NULL,
    agent_id BIGINT REFERENCES agents(id),
    -- Cleaned by the LDS: no path, no control or bidi characters, at most 120 characters.
    name TEXT NOT NULL,
    -- The type sniffed from the bytes (one of the allowed types).
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX attachments_conversation ON attachments(conversation_id);

CREATE TABLE attachment_bytes (
    attachment_id BIGINT PRIMARY KEY REFERENCES attachments(id),
    bytes BLOB NOT NULL
);

-- The one attachment a message carries; an attachment is sent with one message only.
ALTER TABLE messages ADD COLUMN attachment_id BIGINT REFERENCES attachments(id);
CREATE UNIQUE INDEX messages_attachment ON messages(attachment_id);
