-- Where each hour of the event history lies in seq order, so that the event query API bounds a time
-- range in seq without reading the range (EventQueryService.Filter). Times and seqs grow together but
-- not in lockstep (occurred_at is read before the insert that takes the seq), so the exact least seq of
-- the events at or after a time is the least over every event in the range: read from the
-- (occurred_at, seq) index, that is the whole range's entries (a long range at 10 million events took
-- 0.6-0.8 s). Here it is the least over the range's hours, a few thousand rows at most per year.
--
-- A row covers the published events of one hour (hour = whole hours since the epoch, UTC): the least
-- and greatest seq that ever had an occurred_at in that hour. Events enter it in the transaction that
-- stamps their published_at (the relay's UPDATE, or an INSERT of an event published already), so at
-- any snapshot every event is either counted here or still unpublished (registry_event_unpublished_idx
-- finds those); both sides together give bounds that include every event of the range. Deleted events
-- (retention) leave their hours as they were: a bound then reaches a little further than it must, never
-- less far.
CREATE TABLE registry_event_hour (
    hour    BIGINT PRIMARY KEY,
    min_seq BIGINT NOT NULL,
    max_seq BIGINT NOT NULL
);

CREATE FUNCTION registry_event_hour_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO registry_event_hour AS h (hour, min_seq, max_seq)
    SELECT floor(extract(epoch FROM occurred_at) / 3600)::bigint, min(seq), max(seq)
    FROM changed WHERE published_at IS NOT NULL
    GROUP BY 1
    ON CONFLICT (hour) DO UPDATE SET min_seq = least(h.min_seq, excluded.min_seq), max_seq = greatest(h.max_seq, excluded.max_seq)
    WHERE excluded.min_seq < h.min_seq OR excluded.max_seq > h.max_seq;
    RETURN NULL;
END $$;

CREATE TRIGGER registry_event_hour_on_update AFTER UPDATE ON registry_event
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION registry_event_hour_add();
CREATE TRIGGER registry_event_hour_on_insert AFTER INSERT ON registry_event
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION registry_event_hour_add();

INSERT INTO registry_event_hour (hour, min_seq, max_seq)
SELECT floor(extract(epoch FROM occurred_at) / 3600)::bigint, min(seq), max(seq)
FROM registry_event WHERE published_at IS NOT NULL
GROUP BY 1;
