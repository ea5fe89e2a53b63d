-- SilentCert's own tables. The Orleans provider tables come from the 00xx scripts before this one.

-- The evidence log is the source of truth for evidence (ARCHITECTURE.md decision 6): a record is acknowledged only
-- once it is here. A grain marks its rows applied after it has persisted the decisions they led to, and on activation
-- applies whatever of its rows is not marked yet.
create table evidence_log (
  seq bigint generated always as identity primary key,
  source text not null,
  source_record_id text not null,
  person_key text not null,
  observed_at timestamptz not null,
  region char(6),
  death_date date,
  negative boolean not null,
  received_at timestamptz not null,
  applied boolean not null default false,
  constraint evidence_log_source_record unique (source, source_record_id)
);
-- Negative records wait for verification cases (a later migration), so they stay out of this index.
create index evidence_log_unapplied on evidence_log (person_key, seq) where not applied and not negative;

-- Whether a key belongs to an enrolled person is also asked of the grain state, which is written before the read model.
create index orleans_grain_state_key on orleans_grain_state (grain_key) where state_name = 'beneficiary';

-- Read model, written by each grain after every decision. version = the length of the grain's append-only history,
-- so a late or repeated write never replaces a newer one.
create table beneficiary (
  person_key text primary key,
  region char(6) not null,
  status text not null,
  next_action_at timestamptz,
  last_certified_on date,
  last_certification_source text,
  version integer not null,
  updated_at timestamptz not null
);
create index beneficiary_next_action on beneficiary (next_action_at) where next_action_at is not null;
create index beneficiary_region_status on beneficiary (region, status);

create table enrolment_status (
  person_key text not null references beneficiary (person_key),
  programme text not null,
  region char(6) not null,
  status text not null,
  deadline date not null,
  suspended_from date,
  monthly_amount numeric(12, 2) not null,
  start_month date not null,
  version integer not null,
  primary key (person_key, programme)
);
create index enrolment_status_programme on enrolment_status (programme, status);

-- Outbox: what the grains decided to tell people. Written after the decision is persisted, idempotent by key.
create table notification_outbox (
  id bigint generated always as identity primary key,
  person_key text not null,
  idempotency_key text not null,
  kind text not null,
  days_before integer,
  deadline date,
  programmes text[] not null,
  region char(6),
  created_at timestamptz not null,
  delivered_at timestamptz,
  attempts integer not null default 0,
  constraint notification_outbox_key unique (person_key, idempotency_key)
);
create index notification_outbox_undelivered on notification_outbox (id) where delivered_at is null;
