-- Files attached to reports and seizures (see ../sqlite/0009_record_attachments.sql).
CREATE TABLE record_attachments (
    id UUID PRIMARY KEY,
    record UUID NOT NULL REFERENCES records (id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    thumbnail BYTEA,
    thumbnail_type TEXT,
    width BIGINT,
    height BIGINT,
    added_by TEXT NOT NULL,
    added_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX record_attachments_record ON record_attachments (record, added_at);
