-- The schema of an Interdict node on SQLite. Keep it in step with ../postgres.
CREATE TABLE agencies (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    agency TEXT NOT NULL REFERENCES agencies (code),
    display_name TEXT NOT NULL,
    roles TEXT NOT NULL,
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    csrf TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE agreements (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    scopes TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    max_tlp INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE agreement_parties (
    agreement_id TEXT NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    agency TEXT NOT NULL REFERENCES agencies (code),
    PRIMARY KEY (agreement_id, agency)
);

CREATE TABLE records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    agency TEXT NOT NULL REFERENCES agencies (code),
    status TEXT NOT NULL,
    tlp INTEGER NOT NULL,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    occurred_on TEXT,
    body TEXT NOT NULL,
    search TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX records_slice ON records (kind, agency, status, tlp, seq);
-- Listing reads each policy branch newest first: a partner branch is a range of
-- records_slice, the own-agency branch a range of records_agency.
CREATE INDEX records_agency ON records (kind, agency, seq);
-- A search walks the full-text matches newest first and checks each one against the
-- policy; this narrow index answers that check without reading the wide record row.
CREATE INDEX records_policy ON records (seq, kind, agency, status, tlp);

CREATE TABLE record_recipients (
    seq INTEGER NOT NULL REFERENCES records (seq) ON DELETE CASCADE,
    agency TEXT NOT NULL,
    PRIMARY KEY (seq, agency)
) WITHOUT ROWID;

CREATE TABLE record_drugs (
    seq INTEGER NOT NULL REFERENCES records (seq) ON DELETE CASCADE,
    drug TEXT NOT NULL,
    PRIMARY KEY (seq, drug)
) WITHOUT ROWID;
CREATE INDEX record_drugs_drug ON record_drugs (drug, seq);

CREATE TABLE record_identifiers (
    seq INTEGER NOT NULL REFERENCES records (seq) ON DELETE CASCADE,
    scheme TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (seq, scheme, value)
) WITHOUT ROWID;
CREATE INDEX record_identifiers_value ON record_identifiers (scheme, value);

CREATE TABLE record_versions (
    seq INTEGER NOT NULL REFERENCES records (seq) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (seq, version)
);

-- The search index holds the ASCII terms of interdict_core::text; the `ascii`
-- tokenizer keeps each of them whole.
CREATE VIRTUAL TABLE records_fts USING fts5 (
    search, content = 'records', content_rowid = 'seq', tokenize = 'ascii'
);
CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN
    INSERT INTO records_fts (rowid, search) VALUES (new.seq, new.search);
END;
CREATE TRIGGER records_fts_update AFTER UPDATE OF search ON records BEGIN
    INSERT INTO records_fts (records_fts, rowid, search) VALUES ('delete', old.seq, old.search);
    INSERT INTO records_fts (rowid, search) VALUES (new.seq, new.search);
END;
CREATE TRIGGER records_fts_delete AFTER DELETE ON records BEGIN
    INSERT INTO records_fts (records_fts, rowid, search) VALUES ('delete', old.seq, old.search);
END;

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT,
    actor_agency TEXT,
    action TEXT NOT NULL,
    target_kind TEXT,
    target_id TEXT,
    target_agency TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_actor_agency ON audit_log (actor_agency, seq);
CREATE INDEX audit_log_target_agency ON audit_log (target_agency, seq);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The audit log is append-only for the application; whoever edits the file directly
-- is caught by `interdict audit verify`.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE (ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE (ABORT, 'the audit log is append-only');
END;
