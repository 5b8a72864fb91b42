-- Contacts (seed 003's contact manager): customer records in lists of a team. An agent sees a
-- list when granted it directly or through a queue they serve; a queue may name the list its
-- unknown customers land in. Every team gets a list "Customers", granted to and fed by its
-- default queue, so contacts work from the first request on; nothing else changes.

-- The country a national number (600 11 12 22) is read in: ISO 3166 alpha-2, NULL for none
-- (then only numbers with their country code become E.164).
ALTER TABLE teams ADD COLUMN phone_region TEXT;

CREATE TABLE contact_lists (
    id INTEGER PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams(id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (team_id, name)
);

-- The custom fields a list's contacts carry, in the order agents see them.
CREATE TABLE contact_list_fields (
    list_id BIGINT NOT NULL REFERENCES contact_lists(id),
    field_key TEXT NOT NULL,
    label TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (list_id, field_key)
);

-- Who may see a list: one agent, or every member of one queue.
CREATE TABLE contact_list_access (
    list_id BIGINT NOT NULL REFERENCES contact_lists(id),
    agent_id BIGINT REFERENCES agents(id),
    queue_id BIGINT REFERENCES queues(id),
    CHECK ((agent_id IS NULL) <> (queue_id IS NULL))
);
CREATE UNIQUE INDEX contact_list_access_agent ON contact_list_access(list_id, agent_id)
    WHERE agent_id IS NOT NULL;
CREATE UNIQUE INDEX contact_list_access_queue ON contact_list_access(list_id, queue_id)
    WHERE queue_id IS NOT NULL;

-- Where a queue's unknown customers get a contact (NULL: they get none).
ALTER TABLE queues ADD COLUMN contact_list_id BIGINT REFERENCES contact_lists(id);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams(id),
    list_id BIGINT NOT NULL REFERENCES contact_lists(id),
    -- Grows by one with every change; an edit names the version it was made on.
    version BIGINT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    company TEXT NOT NULL,
    -- The order of a listing: folded last name, first name, company.
    sort_key TEXT NOT NULL,
    -- Each name folded whole, for the advanced search's "starts with".
    first_key TEXT NOT NULL,
    last_key TEXT NOT NULL,
    company_key TEXT NOT NULL,
    -- Set when merged into another contact: this id then answers that one.
    merged_into BIGINT REFERENCES contacts(id),
    created_by BIGINT REFERENCES agents(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX contacts_list_order ON contacts(list_id, sort_key, id);

-- E.164 when the number's country is known, else the digits as given (see docs/protocol.md).
CREATE TABLE contact_phones (
    contact_id BIGINT NOT NULL REFERENCES contacts(id),
    phone TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (contact_id, phone)
);
CREATE INDEX contact_phones_phone ON contact_phones(phone);

CREATE TABLE contact_emails (
    contact_id BIGINT NOT NULL REFERENCES contacts(id),
    email TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (contact_id, email)
);
CREATE INDEX contact_emails_email ON contact_emails(email);

CREATE TABLE contact_tags (
    contact_id BIGINT NOT NULL REFERENCES contacts(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (contact_id, tag)
);
CREATE INDEX contact_tags_tag ON contact_tags(tag, contact_id);

CREATE TABLE contact_field_values (
    contact_id BIGINT NOT NULL REFERENCES contacts(id),
    field_key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (contact_id, field_key)
);

-- The folded words of a contact's names and company ("López" → "lopez"): a name search is a
-- range scan of this index per word typed (term >= 'lop' AND term < 'loq'), which the C
-- collation makes a byte-order range on both backends.
CREATE TABLE contact_terms (
    term TEXT NOT NULL,
    contact_id BIGINT NOT NULL REFERENCES contacts(id),
    PRIMARY KEY (term, contact_id)
);

-- "My contacts": who created, edited or served each contact.
CREATE TABLE contact_agents (
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    contact_id BIGINT NOT NULL REFERENCES contacts(id),
    PRIMARY KEY (agent_id, contact_id)
);

ALTER TABLE requests ADD COLUMN contact_id BIGINT REFERENCES contacts(id);
CREATE INDEX requests_contact ON requests(contact_id);

INSERT INTO contact_lists (team_id, name, created_at)
    SELECT id, 'Customers', created_at FROM teams;
INSERT INTO contact_list_access (list_id, queue_id)
    SELECT l.id, q.id FROM contact_lists l JOIN queues q ON q.team_id = l.team_id AND q.is_default = 1;
UPDATE queues SET contact_list_id =
    (SELECT l.id FROM contact_lists l WHERE l.team_id = queues.team_id AND l.name = 'Customers')
    WHERE is_default = 1;
