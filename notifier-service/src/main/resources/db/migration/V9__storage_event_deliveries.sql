-- Storage events reach subscribers too: gc.completed concerns the whole registry and names no repository.
ALTER TABLE delivery ALTER COLUMN repository DROP NOT NULL;
