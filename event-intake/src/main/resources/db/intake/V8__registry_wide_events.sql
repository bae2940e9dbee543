-- gc.completed concerns the whole registry and names no repository: received and parked alike.
ALTER TABLE received_event ALTER COLUMN repository DROP NOT NULL;
ALTER TABLE parked_event ALTER COLUMN repository DROP NOT NULL;
