-- The rate limit a proxy project's upstream announced last (RateLimit-Limit and RateLimit-Remaining,
-- Docker Hub's ratelimit-limit and ratelimit-remaining, as sent), and when.
alter table proxy_project add column rate_limit text;
alter table proxy_project add column rate_limit_remaining text;
alter table proxy_project add column rate_limit_seen_at timestamptz;
