-- Pull limits an administrator set for one account or for the robots of one project, in place of
-- wharf.auth.rate-limit.*: a null limit is unlimited. Deleting the account or project deletes its row.
CREATE TABLE pull_limit_override (
    account_id BIGINT      UNIQUE REFERENCES account (id) ON DELETE CASCADE,
    project_id BIGINT      UNIQUE REFERENCES project (id) ON DELETE CASCADE,
    per_window INTEGER     CHECK (per_window > 0),
    per_day    INTEGER     CHECK (per_day > 0),
    set_by     TEXT        NOT NULL,
    set_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((account_id IS NULL) <> (project_id IS NULL))
);
