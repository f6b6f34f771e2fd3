-- See ../sqlite/0012_seizure_stats_coarser.sql: coarser sums of seizure_stats, without
-- the conveyance, and per drug, month and agency alone.
CREATE TABLE seizure_stats_origin (
    class BIGINT NOT NULL REFERENCES stat_classes (class),
    drug TEXT NOT NULL,
    month TEXT NOT NULL,
    agency TEXT NOT NULL,
    origin TEXT NOT NULL,
    cases BIGINT NOT NULL,
    milligrams BIGINT NOT NULL,
    tablets BIGINT NOT NULL,
    PRIMARY KEY (class, drug, month, agency, origin)
);

CREATE TABLE seizure_stats_month (
    class BIGINT NOT NULL REFERENCES stat_classes (class),
    drug TEXT NOT NULL,
    month TEXT NOT NULL,
    agency TEXT NOT NULL,
    cases BIGINT NOT NULL,
    milligrams BIGINT NOT NULL,
    tablets BIGINT NOT NULL,
    PRIMARY KEY (class, drug, month, agency)
);

INSERT INTO seizure_stats_origin (class, drug, month, agency, origin, cases, milligrams, tablets)
SELECT class, drug, month, agency, origin, SUM(cases), SUM(milligrams), SUM(tablets)
FROM seizure_stats GROUP BY class, drug, month, agency, origin;

INSERT INTO seizure_stats_month (class, drug, month, agency, cases, milligrams, tablets)
SELECT class, drug, month, agency, SUM(cases), SUM(milligrams), SUM(tablets)
FROM seizure_stats GROUP BY class, drug, month, agency;
