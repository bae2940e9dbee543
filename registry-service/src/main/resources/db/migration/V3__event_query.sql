-- The event query API reads registry_event by these filters, always ordered by seq (the cursor).
CREATE INDEX registry_event_project_idx ON registry_event (project, seq);
CREATE INDEX registry_event_type_idx ON registry_event (type, seq);
CREATE INDEX registry_event_digest_idx ON registry_event (digest, seq);
CREATE INDEX registry_event_tag_idx ON registry_event (repository, tag, seq) WHERE tag IS NOT NULL;
CREATE INDEX registry_event_actor_idx ON registry_event (actor, seq) WHERE actor IS NOT NULL;
-- The live tail follows publication: (published_at, seq) only grows, see OutboxRelay.
CREATE INDEX registry_event_published_idx ON registry_event (published_at, seq) WHERE published_at IS NOT NULL;

-- Outcomes the notifier and the deployer published on wharf.pipeline.events (notification.*,
-- deployment.*), each following one registry event. Written once per pipeline event id: a
-- redelivered record changes nothing. Kept as received; event_id is not a foreign key because an
-- outcome may arrive before its registry event is visible here, or after it expired.
CREATE TABLE pipeline_event (
    seq          BIGSERIAL   PRIMARY KEY,
    id           TEXT        NOT NULL UNIQUE,
    event_id     TEXT        NOT NULL,
    type         TEXT        NOT NULL,
    source       TEXT        NOT NULL,
    subject      TEXT,
    repository   TEXT        NOT NULL,
    occurred_at  TIMESTAMPTZ NOT NULL,
    data         TEXT        NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX pipeline_event_trace_idx ON pipeline_event (event_id, occurred_at, seq);
CREATE INDEX pipeline_event_received_idx ON pipeline_event (received_at);
