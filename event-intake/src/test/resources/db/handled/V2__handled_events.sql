-- What the test application's RecordingHandler writes in the intake's transaction, one row per event it
-- was handed (no key: an event handed twice would show as two rows).
CREATE TABLE handled_event (
    event_id   TEXT        NOT NULL,
    handled_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
