-- The search index takes the terms of interdict_core::text exactly as written, with no
-- text parser in between: the parser behind to_tsvector reads `3e5kg` as the number
-- `3e5` and the word `kg`, so `kg` found records that only mention `3e5kg`. The terms
-- are normalised already; they only need splitting at the spaces between them. SQLite
-- needs no change: its `ascii` tokenizer keeps every term whole.
DROP INDEX records_search;
ALTER TABLE records DROP COLUMN search_vec;
ALTER TABLE records ADD COLUMN search_vec TSVECTOR
    GENERATED ALWAYS AS (array_to_tsvector(array_remove(string_to_array(search, ' '), ''))) STORED;
CREATE INDEX records_search ON records USING GIN (search_vec);
