-- Reminders for Microsoft.Orleans.Reminders.AdoNet 10.x (UseAdoNetReminderService). One row per grain and reminder
-- name, scoped by the service id (stable across deployments, unlike the cluster id).
--
-- @GrainId is the grain id's string form (e.g. 'beneficiary/ben-...'); @GrainHash is its uniform hash, a uint that
-- Orleans sends cast to a signed int, so grain_hash spans the whole int range. Each silo owns a range of the hash ring
-- and re-reads all of it on start and every RefreshReminderListPeriod (5 minutes by default): ReadRangeRows1Key when
-- the range does not wrap in signed order ((int)begin < (int)end), ReadRangeRows2Key when it does (or covers the whole
-- ring, begin = end). Ranges are (begin, end]: exclusive start, inclusive end.
--
-- Version semantics: version is the reminder's etag. Every upsert bumps it and returns it; a delete succeeds only with
-- the current one.

create table orleans_reminder (
  service_id text collate "C" not null,
  grain_id text collate "C" not null,
  reminder_name text collate "C" not null,
  grain_hash integer not null,
  start_time timestamptz not null,
  -- Milliseconds (Orleans sends an int, or a bigint past 24.8 days).
  period bigint not null,
  version integer not null,
  primary key (service_id, grain_id, reminder_name)
);

-- Serves the range reads: one index range scan per range (two for a wrapped one), returning every column the queries
-- read from the index itself, so a silo's periodic re-read of a large range does not visit the heap for rows that are
-- all-visible.
create index orleans_reminder_range on orleans_reminder (service_id, grain_hash)
  include (grain_id, reminder_name, start_time, period, version);

-- Result columns of the read queries: GrainId, ReminderName, StartTime, Period (ms), Version.
insert into OrleansQuery (QueryKey, QueryText) values

-- @ServiceId, @GrainId. All reminders of one grain.
('ReadReminderRowsKey', $$
select grain_id as "GrainId", reminder_name as "ReminderName", start_time as "StartTime", period as "Period",
       version as "Version"
from orleans_reminder
where service_id = @ServiceId and grain_id = @GrainId
$$),

-- @ServiceId, @GrainId, @ReminderName. At most one row.
('ReadReminderRowKey', $$
select grain_id as "GrainId", reminder_name as "ReminderName", start_time as "StartTime", period as "Period",
       version as "Version"
from orleans_reminder
where service_id = @ServiceId and grain_id = @GrainId and reminder_name = @ReminderName
$$),

-- @ServiceId, @BeginHash, @EndHash with @BeginHash < @EndHash (signed): begin < hash <= end.
('ReadRangeRows1Key', $$
select grain_id as "GrainId", reminder_name as "ReminderName", start_time as "StartTime", period as "Period",
       version as "Version"
from orleans_reminder
where service_id = @ServiceId and grain_hash > @BeginHash and grain_hash <= @EndHash
$$),

-- @ServiceId, @BeginHash, @EndHash with @BeginHash >= @EndHash (signed): the range wraps, hash > begin or
-- hash <= end. Written as two disjoint range scans of orleans_reminder_range rather than one OR.
('ReadRangeRows2Key', $$
select grain_id as "GrainId", reminder_name as "ReminderName", start_time as "StartTime", period as "Period",
       version as "Version"
from orleans_reminder
where service_id = @ServiceId and grain_hash > @BeginHash
union all
select grain_id, reminder_name, start_time, period, version
from orleans_reminder
where service_id = @ServiceId and grain_hash <= @EndHash
$$),

-- @ServiceId, @GrainHash, @GrainId, @ReminderName, @StartTime, @Period. Inserts or replaces the reminder and returns
-- its new Version.
('UpsertReminderRowKey', $$
insert into orleans_reminder as r (service_id, grain_id, reminder_name, grain_hash, start_time, period, version)
values (@ServiceId, @GrainId, @ReminderName, @GrainHash, @StartTime, @Period, 1)
on conflict (service_id, grain_id, reminder_name) do update
set grain_hash = excluded.grain_hash, start_time = excluded.start_time, period = excluded.period,
    version = r.version + 1
returning r.version as "Version"
$$),

-- @ServiceId, @GrainId, @ReminderName, @Version. Deletes the reminder if its version is still @Version.
-- Returns one boolean column: whether it was deleted.
('DeleteReminderRowKey', $$
with deleted as (
  delete from orleans_reminder
  where service_id = @ServiceId and grain_id = @GrainId and reminder_name = @ReminderName and version = @Version
  returning 1
)
select exists (select 1 from deleted) as "Deleted"
$$),

-- @ServiceId. Deletes every reminder of the service (Orleans uses it in tests only). No result.
('DeleteReminderRowsKey', $$
delete from orleans_reminder where service_id = @ServiceId
$$);
