-- A time range of the event query API is also bounded in seq (EventQueryService.Filter): the least and
-- greatest seq of the events in the range are read from this index alone (index-only), so that a page
-- filtered by time starts and stops where its range does instead of walking the sequence from one end.
-- It also serves what the (occurred_at) index it replaces did: retention's occurred_at < cutoff.
CREATE INDEX registry_event_occurred_seq_idx ON registry_event (occurred_at, seq);
DROP INDEX registry_event_occurred_idx;
