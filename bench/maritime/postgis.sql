-- The encounter search of interdict-maritime's defaults as one PostGIS query over a day of
-- positions (loaded by postgis.sh): two vessels within 500 m, both slower than 2 kn, both
-- at least 10 km from every port and anchorage, positions at most 10 minutes apart; close
-- observations of a pair more than an hour apart start a new run; runs of at least two
-- hours are encounters.
\timing on

-- Slow positions away from ports: the candidates.
DROP TABLE IF EXISTS cand;
CREATE TABLE cand AS
SELECT p.mmsi, p.t, p.geog
FROM pos p
WHERE p.sog < 2.0
  AND NOT EXISTS (
    SELECT 1 FROM ports q WHERE ST_DWithin(q.geog, p.geog, 10000)
  );
CREATE INDEX cand_geog ON cand USING gist (geog);
ANALYZE cand;

-- Close pairs of candidate positions, then runs.
DROP TABLE IF EXISTS enc;
CREATE TABLE enc AS
WITH close AS (
  SELECT a.mmsi AS m1, b.mmsi AS m2, greatest(a.t, b.t) AS t, least(a.t, b.t) AS t0
  FROM cand a
  JOIN cand b
    ON a.mmsi < b.mmsi
   AND b.t BETWEEN a.t - 600 AND a.t + 600
   AND ST_DWithin(a.geog, b.geog, 500)
),
ordered AS (
  SELECT m1, m2, t, t0,
         CASE WHEN t - lag(t) OVER w > 3600 THEN 1 ELSE 0 END AS brk
  FROM close
  WINDOW w AS (PARTITION BY m1, m2 ORDER BY t)
),
runs AS (
  SELECT m1, m2, t, t0, sum(brk) OVER (PARTITION BY m1, m2 ORDER BY t) AS run
  FROM ordered
)
SELECT m1, m2, min(t0) AS start_t, max(t) AS end_t, count(*) AS n
FROM runs
GROUP BY m1, m2, run
HAVING max(t) - min(t0) >= 7200;

SELECT count(*) AS encounters FROM enc;
\copy (SELECT m1, m2, start_t, end_t FROM enc ORDER BY m1, m2, start_t) TO 'postgis_encounters.csv' CSV HEADER
