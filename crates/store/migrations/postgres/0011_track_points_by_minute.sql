-- See ../sqlite/0011_track_points_by_minute.sql: track points keyed by the minute of
-- their time first and chunks by their hour first, so that a batch of positions from
-- thousands of vessels lands on the end of the index instead of on a page per vessel.
ALTER TABLE track_points ADD COLUMN minute BIGINT;
UPDATE track_points SET minute = CASE WHEN t >= 0 THEN t / 60 ELSE (t - 59) / 60 END;
ALTER TABLE track_points ALTER COLUMN minute SET NOT NULL;
ALTER TABLE track_points DROP CONSTRAINT track_points_pkey;
ALTER TABLE track_points ADD PRIMARY KEY (source, minute, mmsi, t);

ALTER TABLE track_chunks DROP CONSTRAINT track_chunks_pkey;
ALTER TABLE track_chunks ADD PRIMARY KEY (source, hour, mmsi);
DROP INDEX track_chunks_time;
