-- Payroll (rule 14): a month's payroll is frozen by closing it. Only closed months have rows here; an open month is
-- computed from enrolment_status each time it is read.
create table payroll_month (
  programme text not null,
  -- The first day of the month.
  month date not null,
  closed_at timestamptz not null,
  primary key (programme, month)
);

-- At most one line per enrolment, month and kind. months lists what the line is for, ascending: the month itself for
-- regular and withheld, the settled months for arrears, estate and recovery.
create table payroll_line (
  programme text not null,
  month date not null,
  person_key text not null,
  kind text not null check (kind in ('regular', 'withheld', 'arrears', 'estate', 'recovery')),
  amount numeric(12, 2) not null check (amount > 0),
  months date[] not null,
  primary key (programme, month, person_key, kind),
  foreign key (programme, month) references payroll_month (programme, month)
);
-- Back-pay looks up a person's closed withheld months and what has settled them.
create index payroll_line_person on payroll_line (programme, person_key, kind);

-- The disbursing bank's file names people by their masked ID number, never the whole one.
alter table beneficiary add column masked_id_number text;
