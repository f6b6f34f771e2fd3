-- Access terms in the full-text index (see ../sqlite/0002_access_terms.sql): every
-- record gets an `access` column with the terms that the policy branches and the list
-- filters select it by, and the indexed vector holds them beside the search terms, so
-- that GIN intersects the words with the reader's branches.
ALTER TABLE records ADD COLUMN access TEXT NOT NULL DEFAULT '';
DROP INDEX records_search;
ALTER TABLE records DROP COLUMN search_vec;
ALTER TABLE records ADD COLUMN search_vec TSVECTOR GENERATED ALWAYS AS (
    array_to_tsvector(array_remove(string_to_array(search || ' ' || access, ' '), ''))
) STORED;
-- A search tests the newest records' vectors one by one before it turns to the GIN
-- index (`Store::pg_search_page`); kept in the row (compressed), a vector is read
-- without a trip to the TOAST table: 1.4 instead of 2 µs a record. The body goes
-- out of line first instead.
ALTER TABLE records ALTER COLUMN search_vec SET STORAGE MAIN;
CREATE INDEX records_search ON records USING GIN (search_vec);

-- Work that the code, not SQL, must do once after a migration; `Store::open` does it
-- and deletes the row. `index-access` computes the access terms of existing records.
CREATE TABLE store_tasks (
    name TEXT PRIMARY KEY
);
INSERT INTO store_tasks (name) VALUES ('index-access');

-- Every search term ever indexed, for expanding a search prefix into the whole terms it
-- stands for (see ../sqlite/0002_access_terms.sql): GIN answers `'container':*` by
-- collecting every match of every matching term into one bitmap before it can intersect
-- it with anything, but intersects whole terms by skipping through their posting lists.
CREATE TABLE search_vocab (
    term TEXT PRIMARY KEY
);
INSERT INTO search_vocab (term)
SELECT DISTINCT t FROM records, unnest(string_to_array(search, ' ')) AS t WHERE t <> '';
