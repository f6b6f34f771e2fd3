-- The schema of an Interdict node on SQLite. Keep it in step with ../postgres: the
-- same migrations by number, the same tables and columns (a storage test compares
-- them), native types where the engines differ. On SQLite, ids are text, times are
-- RFC 3339 text in UTC with microseconds (which sorts as time does), days are
-- YYYY-MM-DD text and flags are 0 or 1.

CREATE TABLE agencies (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- Whom partners contact about a deconfliction hit: a desk, a phone, an address.
    contact TEXT NOT NULL DEFAULT '',
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
    -- session (a browser), api (from a login) or automation (made by an admin).
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    csrf TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_user ON tokens (user_id);

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

-- Records of every kind, with the columns that filters need beside the record as JSON.
-- `search` holds the record's search terms and `access` the codes of its access terms
-- (see access_codes); the full-text index holds their product.
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
    access TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX records_kind ON records (kind, seq);

-- The access terms of the policy (`interdict_core::policy::AccessTerm`), numbered.
CREATE TABLE access_codes (
    code INTEGER PRIMARY KEY,
    term TEXT NOT NULL UNIQUE
);

-- Which access terms each record carries: a listing reads one range of this table per
-- term the reader holds, newest first, and never a record it may not see.
CREATE TABLE record_access (
    code INTEGER NOT NULL,
    seq INTEGER NOT NULL REFERENCES records (seq) ON DELETE CASCADE,
    PRIMARY KEY (code, seq)
) WITHOUT ROWID;
CREATE INDEX record_access_seq ON record_access (seq);

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

-- References from a record to others (a seizure's linked reports), so that each side
-- can show the other.
CREATE TABLE record_links (
    seq INTEGER NOT NULL REFERENCES records (seq) ON DELETE CASCADE,
    target TEXT NOT NULL,
    PRIMARY KEY (seq, target)
) WITHOUT ROWID;
CREATE INDEX record_links_target ON record_links (target);

CREATE TABLE record_versions (
    seq INTEGER NOT NULL REFERENCES records (seq) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (seq, version)
);

-- Joint operations, as far as need-to-know needs them: an operation is a compartment
-- whose members read the records attached to it up to its handling limit.
CREATE TABLE operations (
    id TEXT PRIMARY KEY,
    code_name TEXT NOT NULL,
    lead_agency TEXT NOT NULL REFERENCES agencies (code),
    max_tlp INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE operation_members (
    operation TEXT NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    joined_at TEXT NOT NULL,
    left_at TEXT,
    PRIMARY KEY (operation, user_id)
);
CREATE INDEX operation_members_user ON operation_members (user_id);

CREATE TABLE record_compartments (
    seq INTEGER NOT NULL REFERENCES records (seq) ON DELETE CASCADE,
    operation TEXT NOT NULL REFERENCES operations (id),
    PRIMARY KEY (seq, operation)
) WITHOUT ROWID;

-- One record disclosed by its owner to one agency until a day (inclusive).
CREATE TABLE disclosures (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL REFERENCES records (seq) ON DELETE CASCADE,
    agency TEXT NOT NULL REFERENCES agencies (code),
    until_day TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX disclosures_seq ON disclosures (seq);
CREATE INDEX disclosures_agency ON disclosures (agency, until_day);

-- The full-text index: one token per search term per access term of a record
-- (`_<code>_<term>`), so that a query names only tokens of the access terms the reader
-- holds and walks nothing else (search time depends only on what the reader may see).
-- Contentless, with deletes that remove the postings at once (secure-delete), so that
-- the terms of a changed or withdrawn record leave the index with the change.
CREATE VIRTUAL TABLE records_fts USING fts5 (
    tokens, content = '', contentless_delete = 1,
    tokenize = 'ascii tokenchars ''_-''', detail = none
);
INSERT INTO records_fts (records_fts, rank) VALUES ('secure-delete', 1);

-- Every token the index holds, with how many records hold it, for expanding a search
-- prefix into the whole tokens it stands for: FTS5 answers `"x"*` by first merging the
-- posting lists of every matching token, but reads an OR of whole tokens lazily,
-- newest record first. A token leaves when its last record does.
CREATE TABLE search_vocab (
    token TEXT PRIMARY KEY,
    n INTEGER NOT NULL
) WITHOUT ROWID;

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
-- is caught by `interdict audit verify` (the chain and the node's signed checkpoints).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE (ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE (ABORT, 'the audit log is append-only');
END;

-- The change feed: every change, in the order of its commit, written in the same
-- transaction as the change and its audit entry. Readers follow it from a position;
-- `terms` and `prev_terms` are the access terms of the data after and before the
-- change, by which each reader's policy filters it.
CREATE TABLE changes (
    pos INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    agency TEXT NOT NULL,
    op TEXT NOT NULL,
    terms TEXT NOT NULL,
    prev_terms TEXT NOT NULL
);

CREATE TABLE changes_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pos INTEGER NOT NULL
);
INSERT INTO changes_head (id, pos) VALUES (1, 0);

-- Work that the code, not SQL, must do once after a migration; `Store::open` does it
-- and deletes the row.
CREATE TABLE store_tasks (
    name TEXT PRIMARY KEY
);
