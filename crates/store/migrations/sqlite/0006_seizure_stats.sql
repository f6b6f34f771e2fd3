-- Seizure statistics, pre-aggregated (docs/statistics.md). An access class is one
-- distinct set of access terms that published seizures carry (the text of their
-- `records.access`); records with the same set share a class. A reader's statistics
-- sum the classes one of whose codes it holds, so that a record counts once however
-- many of its codes the reader holds.
CREATE TABLE stat_classes (
    class INTEGER PRIMARY KEY,
    terms TEXT NOT NULL UNIQUE
);

CREATE TABLE stat_class_codes (
    code INTEGER NOT NULL,
    class INTEGER NOT NULL REFERENCES stat_classes (class),
    PRIMARY KEY (code, class)
) WITHOUT ROWID;

-- Cases and sums per class and month, drug ('' for the line of the whole seizure),
-- agency, conveyance and country of origin ('' when none), in whole milligrams and
-- whole tablets. Written in the transaction of every change of a seizure.
CREATE TABLE seizure_stats (
    class INTEGER NOT NULL REFERENCES stat_classes (class),
    drug TEXT NOT NULL,
    month TEXT NOT NULL,
    agency TEXT NOT NULL,
    conveyance TEXT NOT NULL,
    origin TEXT NOT NULL,
    cases INTEGER NOT NULL,
    milligrams INTEGER NOT NULL,
    tablets INTEGER NOT NULL,
    PRIMARY KEY (class, drug, month, agency, conveyance, origin)
) WITHOUT ROWID;

-- The statistics of the seizures stored before this migration are computed when the
-- store opens.
INSERT INTO store_tasks (name) VALUES ('seizure-stats');
