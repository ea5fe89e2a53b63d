-- Grain state is written by SilentCert's own group-commit provider (GroupCommitGrainStorage), which finds a row by its
-- string key, state name and service, and writes many rows in one statement. This index serves those look-ups and the
-- provider's insert conflict check. Rows the ADO.NET provider wrote satisfy it already: a string key determines the
-- hash and number columns of the older identity.
create unique index orleans_grain_state_by_key on orleans_grain_state (grain_key, state_name, service_id);
