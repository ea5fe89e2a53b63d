-- Rule 13: once a death is confirmed, an enrolment's entitlement ends with the month of death (its first day here).
-- The payroll gives such an enrolment no line after that month, and its settlement month carries estate and recovery.
alter table enrolment_status add column ends_with date;
-- Recovery starts from the few enrolments that have ended, not from every paid line of the programme.
create index enrolment_status_ended on enrolment_status (programme, person_key) where ends_with is not null;
