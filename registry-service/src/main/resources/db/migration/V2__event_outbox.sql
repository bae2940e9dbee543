-- Registry events. A row is written in the same transaction as the change it records (the
-- outbox); the relay publishes unpublished rows to Kafka in seq order and stamps published_at
-- once the broker acknowledged. Published rows stay as the queryable event history until the
-- retention period ends.
CREATE TABLE registry_event (
    seq          BIGSERIAL   PRIMARY KEY,
    id           UUID        NOT NULL UNIQUE,
    type         TEXT        NOT NULL,
    repository   TEXT        NOT NULL,
    project      TEXT        NOT NULL,
    subject      TEXT,
    digest       TEXT,
    tag          TEXT,
    actor        TEXT,
    occurred_at  TIMESTAMPTZ NOT NULL,
    data         TEXT        NOT NULL,
    published_at TIMESTAMPTZ
);
CREATE INDEX registry_event_unpublished_idx ON registry_event (seq) WHERE published_at IS NULL;
CREATE INDEX registry_event_repository_idx ON registry_event (repository, seq);
CREATE INDEX registry_event_occurred_idx ON registry_event (occurred_at);
