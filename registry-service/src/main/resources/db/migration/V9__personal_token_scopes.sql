-- What a personal access token may do: registry pull, push and delete, and the management API (api).
-- New tokens default to pull and push; tokens made before scopes existed keep what they could do
-- (changing the password and making tokens need the password from now on, whatever the scopes).
ALTER TABLE access_token ADD COLUMN scopes TEXT NOT NULL DEFAULT 'pull,push';
UPDATE access_token SET scopes = 'pull,push,delete,api';
