-- Door-to-door visits (rule 8, issue 4): what a visit found travels with its evidence record, and each key-population
-- person's visit tasks are published by their grain for the region's task list.
alter table evidence_log add column visit_outcome text check (visit_outcome in ('seen-alive', 'reported-dead', 'not-found'));

create table visit_task (
  person_key text not null references beneficiary (person_key),
  deadline date not null,
  region char(6) not null,
  created_at timestamptz not null,
  escalated boolean not null,
  not_found integer not null,
  closed_at timestamptz,
  version integer not null,
  primary key (person_key, deadline)
);
-- The region's open tasks, escalated first.
create index visit_task_open on visit_task (region, escalated desc, deadline) where closed_at is null;
