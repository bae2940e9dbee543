-- Who wants to hear about which registry events, and how.
CREATE TABLE subscription (
    id                   UUID        PRIMARY KEY,
    name                 TEXT        NOT NULL,
    scope                TEXT        NOT NULL,            -- GLOBAL | PROJECT | REPOSITORY
    project              TEXT,                            -- null only for global
    repository_glob      TEXT,                            -- scope repository: e.g. acme/api-*
    event_types          TEXT,                            -- comma-separated CloudEvents types; null = all registry events
    tag_pattern          TEXT,
    tag_pattern_syntax   TEXT,                            -- GLOB | REGEX
    channel              TEXT        NOT NULL,            -- WEBHOOK | SLACK | EMAIL
    url                  TEXT,                            -- webhook and Slack
    headers              TEXT,                            -- webhook: JSON object of extra request headers
    payload_format       TEXT,                            -- webhook: cloudevents-structured | cloudevents-binary | compact
    secret               TEXT,                            -- webhook signing secret (whsec_…)
    previous_secret      TEXT,                            -- still signed with until previous_secret_expires_at
    previous_secret_expires_at TIMESTAMPTZ,
    recipients           TEXT,                            -- email: comma-separated addresses
    digest_interval_seconds BIGINT,                       -- email: batch per interval, null = one mail per event
    owner                TEXT        NOT NULL,
    owner_email          TEXT,
    enabled              BOOLEAN     NOT NULL DEFAULT TRUE,
    disabled_reason      TEXT,
    disabled_at          TIMESTAMPTZ,
    failing_since        TIMESTAMPTZ,                     -- first failed attempt since the last success
    paused_until         TIMESTAMPTZ,                     -- pacing (Slack) and Retry-After
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX subscription_project_idx ON subscription (project);

-- One delivery per (event, subscription), written in the transaction that takes the event in, before
-- anything is sent: a redelivered Kafka record finds it and never causes a second send.
CREATE TABLE delivery (
    id               UUID        PRIMARY KEY,
    event_id         TEXT        NOT NULL,
    subscription_id  UUID        NOT NULL REFERENCES subscription (id) ON DELETE CASCADE,
    event_type       TEXT        NOT NULL,
    repository       TEXT        NOT NULL,
    tag              TEXT,
    digest           TEXT,
    event            TEXT        NOT NULL,                -- the event as a structured CloudEvent (JSON)
    test             BOOLEAN     NOT NULL DEFAULT FALSE,  -- a "send a test event" delivery
    state            TEXT        NOT NULL,                -- PENDING | DELIVERED | DEAD
    attempts         INT         NOT NULL DEFAULT 0,      -- all attempts, redeliveries included
    retries          INT         NOT NULL DEFAULT 0,      -- failed attempts since the last (re)delivery request
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    lease_until      TIMESTAMPTZ,
    last_status_code INT,
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at     TIMESTAMPTZ,
    UNIQUE (event_id, subscription_id)
);
CREATE INDEX delivery_due_idx ON delivery (next_attempt_at) WHERE state = 'pending';
CREATE INDEX delivery_subscription_idx ON delivery (subscription_id, created_at);

-- Every attempt, for the delivery log.
CREATE TABLE delivery_attempt (
    id               BIGSERIAL   PRIMARY KEY,
    delivery_id      UUID        NOT NULL REFERENCES delivery (id) ON DELETE CASCADE,
    attempt          INT         NOT NULL,
    attempted_at     TIMESTAMPTZ NOT NULL,
    status_code      INT,
    latency_ms       BIGINT      NOT NULL,
    error            TEXT,
    response_excerpt TEXT
);
CREATE INDEX delivery_attempt_delivery_idx ON delivery_attempt (delivery_id, attempt);
