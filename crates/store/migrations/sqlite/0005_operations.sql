-- Joint operations in full: the operation's definition (period, area, objectives,
-- targets) as one JSON document with a version, the member agencies, and the closed
-- message board with its read receipts and attachments. Who may read any of it is the
-- policy's answer about the operation (its members and the lead agency's coordinators).
ALTER TABLE operations ADD COLUMN body TEXT NOT NULL DEFAULT '{}';
ALTER TABLE operations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE operations ADD COLUMN updated_at TEXT;

CREATE TABLE operation_agencies (
    operation TEXT NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
    agency TEXT NOT NULL REFERENCES agencies (code),
    PRIMARY KEY (operation, agency)
);

-- A message of the board: free text or a template (warning, feedback, seizure), its
-- fields as JSON. A seizure message names the seizure record it created, in the same
-- transaction; the message id is the client's, so that a message sent twice is one.
CREATE TABLE operation_messages (
    id TEXT PRIMARY KEY,
    operation TEXT NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
    posted_at TEXT NOT NULL,
    author TEXT NOT NULL,
    author_agency TEXT NOT NULL REFERENCES agencies (code),
    kind TEXT NOT NULL,
    reply_to TEXT REFERENCES operation_messages (id),
    body TEXT NOT NULL,
    seizure TEXT
);
CREATE INDEX operation_messages_operation ON operation_messages (operation, posted_at);

CREATE TABLE operation_message_reads (
    message TEXT NOT NULL REFERENCES operation_messages (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    read_at TEXT NOT NULL,
    PRIMARY KEY (message, user_id)
);

CREATE TABLE operation_attachments (
    id TEXT PRIMARY KEY,
    message TEXT NOT NULL REFERENCES operation_messages (id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL
);
CREATE INDEX operation_attachments_message ON operation_attachments (message);
