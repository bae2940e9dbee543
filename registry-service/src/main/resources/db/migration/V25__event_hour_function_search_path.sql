-- The trigger function of V22 names its table without a schema: a session whose search_path lacks the
-- registry's schema (psql, another instance's maintenance, a test's own connection) failed every insert or
-- publication of an event ("relation registry_event_hour does not exist"). It now runs with the search_path
-- it was made with, the registry's schema.
ALTER FUNCTION registry_event_hour_add() SET search_path FROM CURRENT;
