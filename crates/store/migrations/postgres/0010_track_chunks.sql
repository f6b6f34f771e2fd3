-- Track points of closed hours (see ../sqlite/0010_track_chunks.sql).
CREATE TABLE track_chunks (
    source UUID NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    mmsi BIGINT NOT NULL,
    hour BIGINT NOT NULL,
    first_t BIGINT NOT NULL,
    last_t BIGINT NOT NULL,
    south DOUBLE PRECISION NOT NULL,
    west DOUBLE PRECISION NOT NULL,
    north DOUBLE PRECISION NOT NULL,
    east DOUBLE PRECISION NOT NULL,
    n BIGINT NOT NULL,
    points BYTEA NOT NULL,
    PRIMARY KEY (source, mmsi, hour)
);
CREATE INDEX track_chunks_time ON track_chunks (source, hour);

-- See ../sqlite/0010_track_chunks.sql.
DROP INDEX track_points_time;
