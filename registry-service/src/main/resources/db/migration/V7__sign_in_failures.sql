-- Failed sign-ins, one row per failure, for throttling password guessing (auth.SignInThrottle):
-- subject is 'account:<username>' or 'address:<IPv4 address or IPv6 /64 prefix>'. Rows older than
-- the throttle's window are purged; every registry instance counts the same rows.
CREATE TABLE sign_in_failure (
    subject   TEXT        NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failure_subject_idx ON sign_in_failure (subject, failed_at);
