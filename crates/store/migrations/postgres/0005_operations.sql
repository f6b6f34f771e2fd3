-- Joint operations in full: the operation's definition (period, area, objectives,
-- targets) as one JSON document with a version, the member agencies, and the closed
-- message board with its read receipts and attachments. Who may read any of it is the
-- policy's answer about the operation (its members and the lead agency's coordinators).
ALTER TABLE operations ADD COLUMN body TEXT NOT NULL DEFAULT '{}';
ALTER TABLE operations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE operations ADD COLUMN updated_at TIMESTAMPTZ;

CREATE TABLE operation_agencies (
    operation UUID NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
    agency TEXT NOT NULL REFERENCES agencies (code),
    PRIMARY KEY (operation, agency)
);

-- A message of the board: free text or a template (warning, feedback, seizure), its
-- fields as JSON. A seizure message names the seizure record it created, in the same
-- transaction; the message id is the client's, so that a message sent twice is one.
CREATE TABLE operation_messages (
    id UUID PRIMARY KEY,
    operation UUID NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
    posted_at TIMESTAMPTZ NOT NULL,
    author TEXT NOT NULL,
    author_agency TEXT NOT NULL REFERENCES agencies (code),
    kind TEXT NOT NULL,
    reply_to UUID REFERENCES operation_messages (id),
    body TEXT NOT NULL,
    seizure UUID
);
CREATE INDEX operation_messages_operation ON operation_messages (operation, posted_at);

CREATE TABLE operation_message_reads (
    message UUID NOT NULL REFERENCES operation_messages (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    read_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (message, user_id)
);

CREATE TABLE operation_attachments (
    id UUID PRIMARY KEY,
    message UUID NOT NULL REFERENCES operation_messages (id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL
);
CREATE INDEX operation_attachments_message ON operation_attachments (message);
