-- Capacity building: courses, their sessions, the seats each session offers to each
-- participating agency, enrolments (with the waiting list, attendance and assessment)
-- and certificates. Who may read any of it is the policy's answer (a course is the
-- host's with its label; an enrolment is the host's and the officer's agency's).
CREATE TABLE training_courses (
    id TEXT PRIMARY KEY,
    host_agency TEXT NOT NULL REFERENCES agencies (code),
    tlp INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL
);

CREATE TABLE training_sessions (
    id TEXT PRIMARY KEY,
    course TEXT NOT NULL REFERENCES training_courses (id),
    host_agency TEXT NOT NULL REFERENCES agencies (code),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX training_sessions_course ON training_sessions (course);

-- The seats a session offers an agency and how many are held. An enrolment takes a
-- seat with `used = used + 1 WHERE used < seats` in its transaction; the CHECK makes
-- over-enrolment impossible whatever the writer does.
CREATE TABLE training_seats (
    session TEXT NOT NULL REFERENCES training_sessions (id),
    agency TEXT NOT NULL REFERENCES agencies (code),
    seats INTEGER NOT NULL CHECK (seats > 0),
    used INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session, agency),
    CONSTRAINT training_seats_not_over CHECK (used >= 0 AND used <= seats)
);

CREATE TABLE training_enrolments (
    id TEXT PRIMARY KEY,
    session TEXT NOT NULL REFERENCES training_sessions (id),
    host_agency TEXT NOT NULL REFERENCES agencies (code),
    agency TEXT NOT NULL REFERENCES agencies (code),
    officer TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('enrolled', 'waitlisted', 'cancelled')),
    queued_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    body TEXT NOT NULL
);
-- An officer is enrolled (or waiting) once per session.
CREATE UNIQUE INDEX training_enrolments_once ON training_enrolments (session, officer)
    WHERE status <> 'cancelled';
CREATE INDEX training_enrolments_officer ON training_enrolments (officer);
CREATE INDEX training_enrolments_queue ON training_enrolments (session, agency, status, queued_at);

CREATE TABLE training_certificates (
    id TEXT PRIMARY KEY,
    enrolment TEXT NOT NULL REFERENCES training_enrolments (id),
    host_agency TEXT NOT NULL REFERENCES agencies (code),
    agency TEXT NOT NULL REFERENCES agencies (code),
    officer TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    content TEXT NOT NULL,
    signature TEXT NOT NULL,
    revoked_at TEXT
);
-- One certificate in force per enrolment.
CREATE UNIQUE INDEX training_certificates_in_force ON training_certificates (enrolment)
    WHERE revoked_at IS NULL;
