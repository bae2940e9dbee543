-- The order deliveries were planned in, which is the order a subscription's deliveries are sent in.
-- created_at cannot tell it: a batch of registry events is planned in one transaction, so its
-- deliveries share one created_at. Existing rows are numbered in their created_at order.
CREATE SEQUENCE delivery_seq_seq;
ALTER TABLE delivery ADD COLUMN seq BIGINT;
UPDATE delivery d SET seq = o.n
  FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM delivery) o
 WHERE d.id = o.id;
SELECT setval('delivery_seq_seq', coalesce((SELECT max(seq) FROM delivery), 0) + 1, false);
ALTER TABLE delivery ALTER COLUMN seq SET DEFAULT nextval('delivery_seq_seq'), ALTER COLUMN seq SET NOT NULL;
ALTER SEQUENCE delivery_seq_seq OWNED BY delivery.seq;
-- A subscription's deliveries are listed and leased in seq order (this index replaces the created_at one).
CREATE INDEX delivery_subscription_seq_idx ON delivery (subscription_id, seq);
DROP INDEX delivery_subscription_idx;
