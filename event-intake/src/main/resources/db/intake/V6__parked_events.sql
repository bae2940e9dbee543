-- Registry events the intake could not take in, even one at a time after its retries: parked here so
-- the consumer moves on, kept with the Kafka record they came in, and replayable through the API.
-- V6 (not V2): Flyway merges this location with each service's own migrations into one sequence,
-- and the services' own versions run up to V5.
CREATE TABLE parked_event (
    id               BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id         TEXT        NOT NULL UNIQUE,
    type             TEXT        NOT NULL,
    repository       TEXT        NOT NULL,
    -- The event as one structured CloudEvents JSON document: what a replay takes in.
    event_json       TEXT        NOT NULL,
    -- The Kafka record it came in, as it was.
    record_topic     TEXT        NOT NULL,
    record_partition INTEGER     NOT NULL,
    record_offset    BIGINT      NOT NULL,
    record_key       TEXT,
    record_headers   TEXT        NOT NULL,
    record_value     BYTEA,
    -- The last failure: the exception's class and its message (shortened, credentials masked).
    error_class      TEXT        NOT NULL,
    error_message    TEXT,
    attempts         INTEGER     NOT NULL,
    first_failed_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_failed_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    state            TEXT        NOT NULL DEFAULT 'parked' CHECK (state IN ('parked', 'replayed')),
    replayed_at      TIMESTAMPTZ
);
CREATE INDEX parked_event_state_idx ON parked_event (state, id);
