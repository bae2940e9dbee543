-- Whether the outcome of a finished delivery (notification.* event, dead letter) reached Kafka:
-- set false in the transaction that finishes the delivery, true once published, so a crash in
-- between is made good by the relay's sweep.
ALTER TABLE delivery ADD COLUMN outcome_published BOOLEAN NOT NULL DEFAULT TRUE;
CREATE INDEX delivery_unpublished_idx ON delivery (updated_at) WHERE NOT outcome_published;
