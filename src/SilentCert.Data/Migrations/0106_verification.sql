-- Verification cases (rules 11-13) and delivery of every outbox kind (issue 4).

-- Negative records are applied by grains now: they open or join verification cases.
drop index evidence_log_unapplied;
create index evidence_log_unapplied on evidence_log (person_key, seq) where not applied;

-- Rule 12: an open, non-conflicting case holds every payment of the person.
alter table enrolment_status add column held boolean not null default false;

-- Cases as the grains publish them; lists, decisions' routing and data-quality counts read this, never the grains.
create table verification_case (
  case_id text primary key,
  person_key text not null references beneficiary (person_key),
  region char(6) not null,
  reported_death_date date not null,
  opened_at timestamptz not null,
  conflicting boolean not null,
  -- The negative records the case rests on, the opening one first: [{ "source": …, "sourceRecordId": … }, …].
  records jsonb not null,
  outcome text check (outcome in ('confirmed', 'refuted')),
  death_date date,
  decided_by text,
  decided_at timestamptz,
  note text,
  version integer not null
);
create index verification_case_open on verification_case (conflicting desc, opened_at) where outcome is null;
create index verification_case_person on verification_case (person_key);

-- What each kind of message says beyond the common columns (the body the receiver gets), written with the decision.
alter table notification_outbox add column payload jsonb not null default '{}';

-- Delivery targets: a department's webhook for a programme (channel null), or an endpoint the operators configured for
-- one outbox kind (channel = the kind; for correction notices, optionally one per source department). Configured
-- targets are synchronised from configuration at start-up; one no longer configured is inactive.
alter table webhook_subscription alter column programme drop not null;
alter table webhook_subscription add column channel text;
alter table webhook_subscription add column active boolean not null default true;
create unique index webhook_subscription_channel on webhook_subscription (channel, coalesce(department, '')) where channel is not null;
alter table webhook_subscription alter column department drop not null;
-- Every kind is handed to its targets now, so the one index of undelivered rows serves the fan-out.
drop index notification_outbox_pushes_pending;
