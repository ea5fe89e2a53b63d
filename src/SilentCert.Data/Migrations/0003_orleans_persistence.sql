-- Grain state for Microsoft.Orleans.Persistence.AdoNet 10.x (AddAdoNetGrainStorage, IPersistentState<T>).
--
-- Identity of a row. Orleans passes the grain id split three ways: @GrainIdN0/@GrainIdN1 (a Guid's or an integer's
-- bits, 0/0 for string keys), @GrainIdExtensionString (the whole key of a string-keyed grain, or the key extension of
-- a Guid/integer one, or null) and @GrainIdHash (a 32-bit hash of all of it), plus @GrainTypeString, which is the
-- *state name* (not the grain class) and @ServiceId. All of them are part of the unique key below, so two different
-- string keys can never share a row, whatever their hashes; the hashes only lead the index. What SQL cannot undo is
-- Orleans itself reading a string key that parses as hexadecimal ('00abcdef', 'abcdef') as the same integer before the
-- query runs: hence SilentCert's 'ben-' prefix (ARCHITECTURE.md decision 1).
--
-- Version semantics. version is the etag: Orleans sends the version it last read or wrote as @GrainStateVersion (null
-- when it has none), and each write, clear or delete succeeds only if that is still the row's version. A write
-- returns the new version; a refused write returns no row, which Orleans turns into InconsistentStateException.
-- A clear keeps the row with a null payload and a new version; a delete (DeleteStateOnClear) removes it.

create table orleans_grain_state (
  grain_id_hash integer not null,
  service_id text collate "C" not null,
  state_name text collate "C" not null,
  grain_id_n0 bigint not null,
  grain_id_n1 bigint not null,
  grain_key text collate "C",
  grain_type_hash integer not null,
  payload bytea,
  version integer not null,
  modified_at timestamptz not null default now(),
  constraint orleans_grain_state_identity
    unique nulls not distinct (grain_id_hash, service_id, state_name, grain_id_n0, grain_id_n1, grain_key)
);

-- Every query finds its row through orleans_grain_state_identity: equality on its first five columns, then the
-- null-safe match on grain_key. Result columns are named as Orleans reads them.
insert into OrleansQuery (QueryKey, QueryText) values

-- @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId.
-- Returns PayloadBinary (bytea, null after a clear) and Version; no row if the grain never wrote.
('ReadFromStorageKey', $$
select s.payload as "PayloadBinary", s.version as "Version"
from orleans_grain_state s
where s.grain_id_hash = @GrainIdHash and s.service_id = @ServiceId and s.state_name = @GrainTypeString
  and s.grain_id_n0 = @GrainIdN0 and s.grain_id_n1 = @GrainIdN1
  and s.grain_key is not distinct from @GrainIdExtensionString
$$),

-- The read parameters plus @GrainStateVersion (null: first write) and @PayloadBinary.
-- Returns NewGrainStateVersion: 1 for a first write, the read version + 1 otherwise; no row when refused (a row
-- already exists although the grain has no etag, or the row's version is no longer @GrainStateVersion).
('WriteToStorageKey', $$
with updated as (
  update orleans_grain_state s
  set payload = @PayloadBinary, version = s.version + 1, modified_at = now()
  where @GrainStateVersion::integer is not null
    and s.grain_id_hash = @GrainIdHash and s.service_id = @ServiceId and s.state_name = @GrainTypeString
    and s.grain_id_n0 = @GrainIdN0 and s.grain_id_n1 = @GrainIdN1
    and s.grain_key is not distinct from @GrainIdExtensionString
    and s.version = @GrainStateVersion::integer
  returning s.version
), inserted as (
  insert into orleans_grain_state (grain_id_hash, service_id, state_name, grain_id_n0, grain_id_n1, grain_key,
                                   grain_type_hash, payload, version)
  select @GrainIdHash, @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
         @GrainTypeHash, @PayloadBinary, 1
  where @GrainStateVersion::integer is null
  on conflict on constraint orleans_grain_state_identity do nothing
  returning version
)
select version as "NewGrainStateVersion" from updated
union all
select version from inserted
$$),

-- The read parameters plus @GrainStateVersion. Empties the payload and bumps the version if it is still
-- @GrainStateVersion. Returns the new version in the first column; no row when refused.
('ClearStorageKey', $$
update orleans_grain_state s
set payload = null, version = s.version + 1, modified_at = now()
where s.grain_id_hash = @GrainIdHash and s.service_id = @ServiceId and s.state_name = @GrainTypeString
  and s.grain_id_n0 = @GrainIdN0 and s.grain_id_n1 = @GrainIdN1
  and s.grain_key is not distinct from @GrainIdExtensionString
  and s.version = @GrainStateVersion::integer
returning s.version as "NewGrainStateVersion"
$$),

-- Used instead of ClearStorageKey when DeleteStateOnClear = true. Same parameters. Deletes the row if its version is
-- still @GrainStateVersion and returns, in the first column, a value that differs from it (Orleans only checks that it
-- is present and changed, then forgets the etag); no row when refused.
('DeleteStorageKey', $$
delete from orleans_grain_state s
where s.grain_id_hash = @GrainIdHash and s.service_id = @ServiceId and s.state_name = @GrainTypeString
  and s.grain_id_n0 = @GrainIdN0 and s.grain_id_n1 = @GrainIdN1
  and s.grain_key is not distinct from @GrainIdExtensionString
  and s.version = @GrainStateVersion::integer
returning s.version + 1 as "NewGrainStateVersion"
$$);
