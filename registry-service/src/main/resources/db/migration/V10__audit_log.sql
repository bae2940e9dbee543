-- The audit log (io.wharf.registry.audit): who did what, from where, how it ended. One row per
-- audit.recorded event, whichever service recorded it (the registry's own rows are written in the
-- transaction of the change they record; the notifier's and deployer's arrive from wharf.audit).
--
-- Append-only: UPDATE, DELETE and TRUNCATE are refused by triggers, for every database user. Rows
-- leave only with their whole month: retention drops partitions older than wharf.audit.retention
-- (audit_drop_partitions_before). Partitioned by month on time; AuditPartitions creates the current
-- and next months' partitions at start and daily, and the default partition catches anything else.
CREATE TABLE audit_record (
    id         UUID        NOT NULL,               -- the CloudEvent id
    time       TIMESTAMPTZ NOT NULL,
    service    TEXT        NOT NULL,               -- registry | notifier | deployer
    action     TEXT        NOT NULL,               -- e.g. member.added
    family     TEXT        NOT NULL,               -- the action's first segment, e.g. member: prefix filters
    outcome    TEXT        NOT NULL,               -- success | failure | refused
    actor      TEXT,
    actor_kind TEXT        NOT NULL,               -- user | robot | anonymous | system
    role       TEXT,
    address    TEXT,
    request_id TEXT,
    project    TEXT,
    subject    TEXT,
    summary    JSONB       NOT NULL DEFAULT '{}',
    PRIMARY KEY (time, id)
) PARTITION BY RANGE (time);

-- Every filter reads newest first on (time, id), the paging cursor.
CREATE INDEX audit_record_actor_idx ON audit_record (actor, time, id);
CREATE INDEX audit_record_project_idx ON audit_record (project, time, id);
CREATE INDEX audit_record_action_idx ON audit_record (action, time, id);
CREATE INDEX audit_record_family_idx ON audit_record (family, time, id);

CREATE TABLE audit_record_default PARTITION OF audit_record DEFAULT;

CREATE FUNCTION audit_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_record_no_change BEFORE UPDATE OR DELETE ON audit_record
    FOR EACH ROW EXECUTE FUNCTION audit_record_append_only();
CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_record
    FOR EACH STATEMENT EXECUTE FUNCTION audit_record_append_only();

-- Creates the partition of the month that holds `day` unless it exists; true when it made one.
CREATE FUNCTION audit_ensure_partition(day TIMESTAMPTZ) RETURNS BOOLEAN LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
DECLARE
    first TIMESTAMPTZ := date_trunc('month', day AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    name  TEXT := 'audit_record_' || to_char(first AT TIME ZONE 'UTC', 'YYYY_MM');
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN FALSE;
    END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF audit_record FOR VALUES FROM (%L) TO (%L)',
                   name, first, first + interval '1 month');
    RETURN TRUE;
END
$$;

-- Drops the monthly partitions that end before `cutoff` (retention); returns how many it dropped.
CREATE FUNCTION audit_drop_partitions_before(cutoff TIMESTAMPTZ) RETURNS INTEGER LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
DECLARE
    part    RECORD;
    dropped INTEGER := 0;
BEGIN
    FOR part IN
        SELECT c.relname AS name, substring(c.relname FROM 'audit_record_(\d{4}_\d{2})$') AS month
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit_record'::regclass
    LOOP
        IF part.month IS NOT NULL
                AND (to_date(part.month, 'YYYY_MM')::timestamp AT TIME ZONE 'UTC') + interval '1 month' <= cutoff THEN
            EXECUTE format('DROP TABLE %I', part.name);
            dropped := dropped + 1;
        END IF;
    END LOOP;
    RETURN dropped;
END
$$;

SELECT audit_ensure_partition(now());
SELECT audit_ensure_partition(now() + interval '1 month');

-- Audit entries of this registry waiting for the outbox relay to publish them to wharf.audit; a row
-- is written with its audit_record row and deleted once the broker acknowledged it.
CREATE TABLE audit_outbox (
    seq         BIGSERIAL   PRIMARY KEY,
    id          UUID        NOT NULL UNIQUE,
    type        TEXT        NOT NULL,
    subject     TEXT,
    occurred_at TIMESTAMPTZ NOT NULL,
    data        TEXT        NOT NULL
);
