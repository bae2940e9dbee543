-- Approvals are decided by what held when the deployment was planned, not by the rule as it is now:
-- the number of approvals it needs (a later change of the rule changes no planned deployment), and
-- who pushed what triggered it (that person may not approve it).
ALTER TABLE deployment ADD COLUMN approvals_required INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deployment ADD COLUMN pushed_by TEXT;                -- the push's actor (user or robot name); null for rollbacks

-- Deployments awaiting approval when this runs keep the count their rule asks for now, and at least
-- one: they were planned because approval was needed. Their pusher is not known (the events are gone):
-- anyone else allowed to approve may approve them.
UPDATE deployment d SET approvals_required = GREATEST(r.approvals_required, 1)
FROM deploy_rule r
WHERE r.id = d.rule_id AND d.state = 'AWAITING_APPROVAL';
