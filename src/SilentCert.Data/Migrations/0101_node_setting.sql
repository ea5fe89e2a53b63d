-- Facts every node of a cluster must agree on, fixed by the first node that starts on the database.
create table node_setting (
  name text primary key,
  value text not null,
  set_at timestamptz not null default now()
);
