-- Storage events (quota.*, gc.*) share the registry's outbox. A GC run concerns the whole registry:
-- its row names no repository and no project (only system administrators see it).
ALTER TABLE registry_event ALTER COLUMN repository DROP NOT NULL;
ALTER TABLE registry_event ALTER COLUMN project DROP NOT NULL;
