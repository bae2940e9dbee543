-- Audit entries (audit.recorded on wharf.audit) written in the transaction of the change they record,
-- published by the relay and marked, so an entry is never lost to a crash or a Kafka outage.
CREATE TABLE audit_outbox (
    id              UUID        PRIMARY KEY,
    seq             BIGSERIAL   NOT NULL,                -- publication order
    event           TEXT        NOT NULL,                -- structured CloudEvent JSON (its data is redacted)
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at    TIMESTAMPTZ
);
CREATE INDEX audit_outbox_unpublished_idx ON audit_outbox (seq) WHERE published_at IS NULL;
