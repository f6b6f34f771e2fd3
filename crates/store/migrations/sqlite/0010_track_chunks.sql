-- Track points of closed hours, one row per source, vessel and hour: `points` holds the
-- hour's points in time order (see interdict_store::maritime::encode_points), with the
-- box they fall in and the times of the first and last. `track_points` keeps the
-- points of the hours still open and those that arrive late; the writer moves an hour
-- here once the data has passed it, so that the table written to at every position
-- stays small enough for its indexes to be held in memory.
CREATE TABLE track_chunks (
    source TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    mmsi INTEGER NOT NULL,
    hour INTEGER NOT NULL,
    first_t INTEGER NOT NULL,
    last_t INTEGER NOT NULL,
    south REAL NOT NULL,
    west REAL NOT NULL,
    north REAL NOT NULL,
    east REAL NOT NULL,
    n INTEGER NOT NULL,
    points BLOB NOT NULL,
    PRIMARY KEY (source, mmsi, hour)
) WITHOUT ROWID;
CREATE INDEX track_chunks_time ON track_chunks (source, hour);

-- With the closed hours in chunks, `track_points` holds an hour or two: read by time it
-- is scanned, and each point written updates one index less.
DROP INDEX track_points_time;
