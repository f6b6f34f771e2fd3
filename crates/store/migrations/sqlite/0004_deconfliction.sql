-- Deconfliction hits as their owners see them: one row per record of the owner that an
-- officer of another agency matched (on an identifier or a name) without being allowed
-- to read it, and the owner's answer: open, disclosed (a disclosure of the record to the
-- asking agency) or declined with a message the asking agency reads. The asking agency
-- reads these rows only grouped by owner and by its own identifier or name, never by
-- record (`Service::my_hit_answers`).
CREATE TABLE deconfliction_hits (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    owner TEXT NOT NULL REFERENCES agencies (code),
    seq INTEGER NOT NULL REFERENCES records (seq) ON DELETE CASCADE,
    requester_agency TEXT NOT NULL REFERENCES agencies (code),
    requester TEXT NOT NULL,
    scheme TEXT NOT NULL,
    value TEXT NOT NULL,
    from_record TEXT,
    state TEXT NOT NULL,
    message TEXT NOT NULL,
    answered_by TEXT,
    answered_at TEXT,
    disclosure TEXT,
    until_day TEXT,
    UNIQUE (seq, requester_agency, scheme, value)
);
CREATE INDEX deconfliction_hits_owner ON deconfliction_hits (owner, at);
CREATE INDEX deconfliction_hits_requester ON deconfliction_hits (requester_agency, at);
