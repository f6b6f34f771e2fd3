-- The maritime picture. Surveillance sources belong to an agency and carry a TLP
-- label; everything a source saw (vessel states, track points, identity changes) is
-- the source's, and is read through the sources a reader may see. These tables are
-- written in bulk without an audit entry per row and without the change feed: what
-- is audited and fed is what people do with them (sources, areas, alerts).

CREATE TABLE sources (
    id UUID PRIMARY KEY,
    agency TEXT NOT NULL REFERENCES agencies (code),
    name TEXT NOT NULL,
    -- file, tcp_client, tcp_listener, udp, nats
    kind TEXT NOT NULL,
    address TEXT NOT NULL,
    tlp BIGINT NOT NULL,
    enabled BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (agency, name)
);

CREATE TABLE vessel_states (
    source UUID NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    mmsi BIGINT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    last_seen BIGINT NOT NULL,
    name TEXT,
    -- The whole state as JSON (interdict_maritime::VesselState).
    state TEXT NOT NULL,
    PRIMARY KEY (source, mmsi)
);
CREATE INDEX vessel_states_seen ON vessel_states (source, last_seen);

-- Down-sampled track points: a point a minute, or on a change of course or speed.
-- Times are Unix seconds (the messages' own time).
CREATE TABLE track_points (
    source UUID NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    mmsi BIGINT NOT NULL,
    t BIGINT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    sog DOUBLE PRECISION,
    cog DOUBLE PRECISION,
    heading BIGINT,
    PRIMARY KEY (source, mmsi, t)
);
CREATE INDEX track_points_time ON track_points (source, t);

CREATE TABLE identity_changes (
    source UUID NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    mmsi BIGINT NOT NULL,
    t BIGINT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    PRIMARY KEY (source, mmsi, t, field)
);

-- Areas drawn on the map or uploaded (GeoJSON), owned by an agency, shared by the
-- surveillance scope under their label.
CREATE TABLE areas (
    id UUID PRIMARY KEY,
    agency TEXT NOT NULL REFERENCES agencies (code),
    name TEXT NOT NULL,
    geojson TEXT NOT NULL,
    tlp BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- The alert made of each detector event for each agency, so that an event reported
-- again (an encounter that goes on, then ends) updates its alert instead of adding one.
CREATE TABLE alert_keys (
    event_key TEXT PRIMARY KEY,
    alert UUID NOT NULL
);
