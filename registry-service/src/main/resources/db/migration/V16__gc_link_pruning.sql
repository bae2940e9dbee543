-- Garbage collection prunes stale links (io.wharf.registry.gc.GarbageCollector#pruneBatch): a
-- repository_blob row whose blob no manifest of that repository references, last linked longer ago
-- than the grace. linked_at is when a client last linked the blob there (upload, mount, or a read
-- through the database): a push in progress that re-uses an old link refreshes it, so the grace
-- protects it as it protects a new link. Existing links count as linked now (the conservative side).
ALTER TABLE repository_blob ADD COLUMN linked_at TIMESTAMPTZ NOT NULL DEFAULT now();

-- How many links each run pruned (a dry run: would prune).
ALTER TABLE gc_run ADD COLUMN links_pruned BIGINT NOT NULL DEFAULT 0;
