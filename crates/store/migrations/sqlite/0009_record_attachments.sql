-- Files attached to reports and seizures: photos and documents, their type found from
-- their content, with a small image beside each photo. They are read under the
-- record's need-to-know: the store keeps no access terms of its own for them, and the
-- service asks the policy about the record before it lists or serves one.
CREATE TABLE record_attachments (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL REFERENCES records (id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    -- The thumbnail of an image (JPEG or PNG, at most 320 pixels a side); null for
    -- other files.
    thumbnail BLOB,
    thumbnail_type TEXT,
    width INTEGER,
    height INTEGER,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX record_attachments_record ON record_attachments (record, added_at);
