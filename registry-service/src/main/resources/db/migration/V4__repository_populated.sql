-- Set by the transaction that stores a repository's first manifest. Concurrent first pushes
-- serialize on the row: exactly one of them sees it change, and only that one records
-- repository.created.
ALTER TABLE repository ADD COLUMN populated BOOLEAN NOT NULL DEFAULT false;
UPDATE repository r SET populated = true WHERE EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id);
