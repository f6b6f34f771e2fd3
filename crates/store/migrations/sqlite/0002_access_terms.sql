-- Access terms in the full-text index. Every record gets an `access` column: the terms
-- that the policy branches and the list filters select it by (agency, status, TLP,
-- named recipients, drugs; see `sql::access_terms`). The index holds them beside the
-- search terms, so a search or a filtered listing is one index query that intersects
-- the posting lists of the words with those of the reader's branches, instead of
-- walking every match and checking it against the table.
--
-- The index is made again: `tokenchars '_-'` keeps access terms such as
-- `_p_report_kr-kcs_2` whole (search terms are letters and digits only, so the two
-- can never be confused), and `detail = none` drops the word positions, which no query
-- uses, making the index a fraction of its former size.
ALTER TABLE records ADD COLUMN access TEXT NOT NULL DEFAULT '';

DROP TRIGGER records_fts_insert;
DROP TRIGGER records_fts_update;
DROP TRIGGER records_fts_delete;
DROP TABLE records_fts;
-- Searches no longer check matches against the table.
DROP INDEX records_policy;

CREATE VIRTUAL TABLE records_fts USING fts5 (
    search, access, content = 'records', content_rowid = 'seq',
    tokenize = 'ascii tokenchars ''_-''', detail = none
);
CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN
    INSERT INTO records_fts (rowid, search, access) VALUES (new.seq, new.search, new.access);
END;
CREATE TRIGGER records_fts_update AFTER UPDATE OF search, access ON records BEGIN
    INSERT INTO records_fts (records_fts, rowid, search, access)
    VALUES ('delete', old.seq, old.search, old.access);
    INSERT INTO records_fts (rowid, search, access) VALUES (new.seq, new.search, new.access);
END;
CREATE TRIGGER records_fts_delete AFTER DELETE ON records BEGIN
    INSERT INTO records_fts (records_fts, rowid, search, access)
    VALUES ('delete', old.seq, old.search, old.access);
END;
INSERT INTO records_fts (records_fts) VALUES ('rebuild');

-- Work that the code, not SQL, must do once after a migration; `Store::open` does it
-- and deletes the row. `index-access` computes the access terms of existing records.
CREATE TABLE store_tasks (
    name TEXT PRIMARY KEY
);
INSERT INTO store_tasks (name) VALUES ('index-access');

-- Every search term ever indexed, for expanding a prefix query into the whole terms
-- it stands for: FTS5 answers `"container"*` by first merging the posting lists of
-- every matching term, tens of milliseconds for a word in half of a million records,
-- but reads an OR of whole terms lazily, newest record first, and stops at the page.
-- Terms of changed records stay: a term without postings matches nothing.
CREATE TABLE search_vocab (
    term TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE VIRTUAL TABLE records_fts_vocab USING fts5vocab (records_fts, row);
INSERT INTO search_vocab (term) SELECT term FROM records_fts_vocab;
DROP TABLE records_fts_vocab;
