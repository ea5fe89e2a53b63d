-- Grain state is written by SilentCert's own group-commit provider (BatchingGrainStorage), which finds a row by its
-- string key, state name and service, and writes many rows in one statement. This index serves those look-ups and the
-- provider's insert conflict check. Rows the ADO.NET provider wrote satisfy it already: a string key determines the
-- hash and number columns of the older identity. Rows the new provider inserts carry PostgreSQL's hash of the key, not
-- Orleans', so the ADO.NET provider would not find them: the move is one way, made with every node stopped. The index
-- is built while nodes start (migrations run before the silo), so nothing writes meanwhile.
create unique index orleans_grain_state_by_key on orleans_grain_state (grain_key, state_name, service_id);
