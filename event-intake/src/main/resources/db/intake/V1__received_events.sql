-- Registry events this service has taken in, one row per event id: a redelivered Kafka record
-- finds its row and is not acted on twice.
CREATE TABLE received_event (
    event_id    TEXT        PRIMARY KEY,
    type        TEXT        NOT NULL,
    repository  TEXT        NOT NULL,
    digest      TEXT,
    tag         TEXT,
    occurred_at TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX received_event_repository_idx ON received_event (repository, received_at);
