-- Track points keyed by the minute of their time first, then vessel and time, and
-- chunks keyed by their hour first, then vessel. Keyed by vessel first, every batch of
-- positions from thousands of vessels landed on as many pages of the table, each
-- written whole to the write-ahead log and again at the checkpoint (about 4 KB for a
-- point of 60 bytes), and so did every hour's chunks; keyed by time first, a batch
-- lands on the few pages at the table's end. The track of one vessel is read with one
-- seek per minute of the points still here (an hour or two) and one per hour of the
-- chunks. `minute` is `t` divided by 60, rounded down.
CREATE TABLE track_points_by_minute (
    source TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    mmsi INTEGER NOT NULL,
    t INTEGER NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    sog REAL,
    cog REAL,
    heading INTEGER,
    minute INTEGER NOT NULL,
    PRIMARY KEY (source, minute, mmsi, t)
) WITHOUT ROWID;
INSERT INTO track_points_by_minute (source, mmsi, t, lat, lon, sog, cog, heading, minute)
SELECT source, mmsi, t, lat, lon, sog, cog, heading,
       CASE WHEN t >= 0 THEN t / 60 ELSE (t - 59) / 60 END
FROM track_points;
DROP TABLE track_points;
ALTER TABLE track_points_by_minute RENAME TO track_points;

CREATE TABLE track_chunks_by_hour (
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
    PRIMARY KEY (source, hour, mmsi)
) WITHOUT ROWID;
INSERT INTO track_chunks_by_hour
SELECT source, mmsi, hour, first_t, last_t, south, west, north, east, n, points FROM track_chunks;
DROP TABLE track_chunks;
ALTER TABLE track_chunks_by_hour RENAME TO track_chunks;
