-- A dry run's downgrade guard: the highest version a dry-run rule would have deployed (semver
-- policies), as last_version is for a live rule. A dry-run rule starts from what it really deployed.
ALTER TABLE deploy_rule ADD COLUMN planned_version TEXT;
UPDATE deploy_rule SET planned_version = last_version WHERE dry_run;
