-- Conversation tags (issue 16): free labels agents put on a conversation, the same for every
-- agent who has it, to filter the interactions list by. Stored checked: trimmed, lower case,
-- letters, digits, spaces, '-' and '_' only (crates/lds/src/tag_input.rs).
CREATE TABLE conversation_tags (
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (conversation_id, tag)
);
-- "Carries this tag" filters read from the tag.
CREATE INDEX conversation_tags_tag ON conversation_tags(tag, conversation_id);
