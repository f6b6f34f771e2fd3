-- Resource support: each agency's register of detection dogs and equipment (the
-- resource as one JSON document with a version), the availability calendar of each
-- resource, and loans between agencies. Who may read any of it is the policy's answer
-- (the resource's agency and label; a loan's two agencies).
CREATE TABLE resources (
    id UUID PRIMARY KEY,
    agency TEXT NOT NULL REFERENCES agencies (code),
    kind TEXT NOT NULL,
    tlp BIGINT NOT NULL,
    body TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX resources_agency ON resources (agency, kind);

CREATE TABLE resource_calendar (
    id UUID PRIMARY KEY,
    resource UUID NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    from_day DATE NOT NULL,
    to_day DATE NOT NULL,
    note TEXT NOT NULL,
    loan UUID,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX resource_calendar_resource ON resource_calendar (resource, from_day);

-- One row per resource and day taken, written in the transaction of the calendar entry
-- (or the approval of a loan) that takes it: the primary key is what makes double
-- booking impossible, whatever runs concurrently.
CREATE TABLE resource_days (
    resource UUID NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    entry UUID NOT NULL REFERENCES resource_calendar (id) ON DELETE CASCADE,
    PRIMARY KEY (resource, day)
);
CREATE INDEX resource_days_entry ON resource_days (entry);

CREATE TABLE loans (
    id UUID PRIMARY KEY,
    owner_agency TEXT NOT NULL REFERENCES agencies (code),
    borrower_agency TEXT NOT NULL REFERENCES agencies (code),
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX loans_owner ON loans (owner_agency, created_at);
CREATE INDEX loans_borrower ON loans (borrower_agency, created_at);
