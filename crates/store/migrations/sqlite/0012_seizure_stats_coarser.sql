-- Coarser sums of seizure_stats, written with it in the transaction of every change of
-- a seizure: a query reads the coarsest that holds the columns it groups by.
-- Without the conveyance: a third of the lines or fewer (the totals, growth and shares
-- group seizures by month, agency and origin).
CREATE TABLE seizure_stats_origin (
    class INTEGER NOT NULL REFERENCES stat_classes (class),
    drug TEXT NOT NULL,
    month TEXT NOT NULL,
    agency TEXT NOT NULL,
    origin TEXT NOT NULL,
    cases INTEGER NOT NULL,
    milligrams INTEGER NOT NULL,
    tablets INTEGER NOT NULL,
    PRIMARY KEY (class, drug, month, agency, origin)
) WITHOUT ROWID;

-- Per drug, month and agency alone: a twentieth of the lines or fewer (by drug and
-- month, the figures most asked for).
CREATE TABLE seizure_stats_month (
    class INTEGER NOT NULL REFERENCES stat_classes (class),
    drug TEXT NOT NULL,
    month TEXT NOT NULL,
    agency TEXT NOT NULL,
    cases INTEGER NOT NULL,
    milligrams INTEGER NOT NULL,
    tablets INTEGER NOT NULL,
    PRIMARY KEY (class, drug, month, agency)
) WITHOUT ROWID;

INSERT INTO seizure_stats_origin (class, drug, month, agency, origin, cases, milligrams, tablets)
SELECT class, drug, month, agency, origin, SUM(cases), SUM(milligrams), SUM(tablets)
FROM seizure_stats GROUP BY class, drug, month, agency, origin;

INSERT INTO seizure_stats_month (class, drug, month, agency, cases, milligrams, tablets)
SELECT class, drug, month, agency, SUM(cases), SUM(milligrams), SUM(tablets)
FROM seizure_stats GROUP BY class, drug, month, agency;
