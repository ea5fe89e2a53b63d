-- Cluster membership for Microsoft.Orleans.Clustering.AdoNet 10.x (silos: UseAdoNetClustering; clients: the gateway
-- list). Several silos, and several clusters, share one database: every row is scoped by the cluster id, which Orleans
-- passes as @DeploymentId.
--
-- Version semantics. Each cluster has one version row. Orleans reads the table (members + version) in one snapshot,
-- and every membership write (insert or update of a member) names the version it read (@Version, an int parsed from
-- the etag). A write succeeds only if that version is still current, and it increments it in the same statement, so
-- of two silos racing on the same snapshot exactly one wins and the other re-reads. Every member row's etag is the
-- table version. Heartbeats (UpdateIAmAlivetimeKey) and clean-up of long-dead rows do not change the version.
--
-- Times are timestamptz: Orleans passes UTC DateTimes (DbType.DateTime, which Npgsql sends as timestamptz) and reads
-- them back as UTC.

create table orleans_membership_version (
  cluster_id text collate "C" primary key,
  version integer not null default 0,
  changed_at timestamptz not null default now()
);

create table orleans_membership (
  cluster_id text collate "C" not null references orleans_membership_version (cluster_id) on delete cascade,
  address text collate "C" not null,
  port integer not null,
  generation integer not null,
  silo_name text not null,
  host_name text not null,
  -- Orleans.Runtime.SiloStatus: 1 Created, 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.
  status integer not null,
  proxy_port integer not null,
  -- Votes of other silos: 'silo-address,date|silo-address,date', written and parsed by Orleans.
  suspect_times text,
  start_time timestamptz not null,
  i_am_alive_time timestamptz not null,
  primary key (cluster_id, address, port, generation)
);

-- Result columns are named exactly as Orleans reads them (by name) and listed in the order it reads them.
insert into OrleansQuery (QueryKey, QueryText) values

-- Creates the cluster's version row if missing. @DeploymentId. Returns one boolean column: true if it was created.
('InsertMembershipVersionKey', $$
with created as (
  insert into orleans_membership_version (cluster_id) values (@DeploymentId)
  on conflict (cluster_id) do nothing
  returning 1
)
select exists (select 1 from created) as "Created"
$$),

-- All members plus the version. @DeploymentId. Always one row per member, or a single row with null member columns
-- when the cluster has none (Orleans takes the version from the first row and ignores rows whose StartTime is null).
('MembershipReadAllKey', $$
select m.start_time as "StartTime", m.port as "Port", m.generation as "Generation", m.address as "Address",
       m.silo_name as "SiloName", m.host_name as "HostName", m.status as "Status", m.proxy_port as "ProxyPort",
       m.i_am_alive_time as "IAmAliveTime", m.suspect_times as "SuspectTimes", v.version as "Version"
from orleans_membership_version v
left join orleans_membership m on m.cluster_id = v.cluster_id
where v.cluster_id = @DeploymentId
$$),

-- One member plus the version. @DeploymentId, @Address, @Port, @Generation. Same columns as MembershipReadAllKey.
('MembershipReadRowKey', $$
select m.start_time as "StartTime", m.port as "Port", m.generation as "Generation", m.address as "Address",
       m.silo_name as "SiloName", m.host_name as "HostName", m.status as "Status", m.proxy_port as "ProxyPort",
       m.i_am_alive_time as "IAmAliveTime", m.suspect_times as "SuspectTimes", v.version as "Version"
from orleans_membership_version v
left join orleans_membership m
  on m.cluster_id = v.cluster_id and m.address = @Address and m.port = @Port and m.generation = @Generation
where v.cluster_id = @DeploymentId
$$),

-- Adds a member if the table version is still @Version, bumping the version. @DeploymentId, @Address, @Port,
-- @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version.
-- Returns one column: 1 when inserted, 0 when the version moved on or the member already exists. The version row's
-- lock serialises writers; a member that appeared anyway makes the statement fail whole rather than half-apply.
('InsertMembershipKey', $$
with bumped as (
  update orleans_membership_version v
  set version = v.version + 1, changed_at = now()
  where v.cluster_id = @DeploymentId and v.version = @Version
    and not exists (
      select 1 from orleans_membership m
      where m.cluster_id = @DeploymentId and m.address = @Address and m.port = @Port and m.generation = @Generation)
  returning v.cluster_id
), inserted as (
  insert into orleans_membership (cluster_id, address, port, generation, silo_name, host_name, status, proxy_port,
                                  suspect_times, start_time, i_am_alive_time)
  select b.cluster_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
         null, @StartTime, @IAmAliveTime
  from bumped b
  returning 1
)
select count(*)::integer as "Inserted" from inserted
$$),

-- Changes a member's status, votes and liveness if the table version is still @Version, bumping the version.
-- @DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime, @Version.
-- Returns one column: 1 when updated, 0 otherwise. The liveness time never moves backwards.
('UpdateMembershipKey', $$
with bumped as (
  update orleans_membership_version v
  set version = v.version + 1, changed_at = now()
  where v.cluster_id = @DeploymentId and v.version = @Version
    and exists (
      select 1 from orleans_membership m
      where m.cluster_id = @DeploymentId and m.address = @Address and m.port = @Port and m.generation = @Generation)
  returning v.cluster_id
), updated as (
  update orleans_membership m
  set status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = greatest(m.i_am_alive_time, @IAmAliveTime)
  from bumped b
  where m.cluster_id = b.cluster_id and m.address = @Address and m.port = @Port and m.generation = @Generation
  returning 1
)
select count(*)::integer as "Updated" from updated
$$),

-- Heartbeat. @DeploymentId, @Address, @Port, @Generation, @IAmAliveTime. No result; does not touch the version.
('UpdateIAmAlivetimeKey', $$
update orleans_membership
set i_am_alive_time = greatest(i_am_alive_time, @IAmAliveTime)
where cluster_id = @DeploymentId and address = @Address and port = @Port and generation = @Generation
$$),

-- Gateways for clients. @DeploymentId, @Status (always 3, Active). Returns Address, ProxyPort, Generation.
('GatewaysQueryKey', $$
select proxy_port as "ProxyPort", generation as "Generation", address as "Address"
from orleans_membership
where cluster_id = @DeploymentId and status = @Status and proxy_port > 0
$$),

-- Drops a whole cluster (members go with the version row). @DeploymentId. No result.
('DeleteMembershipTableEntriesKey', $$
delete from orleans_membership_version where cluster_id = @DeploymentId
$$),

-- Bulk clean-up of long-dead silos, used only when CleanupDefunctSiloEntryKey is absent; required all the same.
-- @DeploymentId, @IAmAliveTime (the cut-off). Deletes Dead rows started and last alive before the cut-off, and, since
-- SQL cannot safely judge the vote times, only those without votes. No result.
('CleanupDefunctSiloEntriesKey', $$
delete from orleans_membership
where cluster_id = @DeploymentId and status = 6
  and start_time < @IAmAliveTime and i_am_alive_time < @IAmAliveTime
  and coalesce(suspect_times, '') = ''
$$),

-- Per-row clean-up: Orleans reads the table, picks Dead rows older than the cut-off (votes included) and deletes each
-- only if it is still exactly as read. @DeploymentId, @Address, @Port, @Generation, @StartTime, @IAmAliveTime,
-- @SuspectTimes (null and '' both mean no votes). No result.
('CleanupDefunctSiloEntryKey', $$
delete from orleans_membership
where cluster_id = @DeploymentId and address = @Address and port = @Port and generation = @Generation
  and status = 6
  and start_time = @StartTime and i_am_alive_time = @IAmAliveTime
  and coalesce(suspect_times, '') = coalesce(@SuspectTimes, '')
$$);
