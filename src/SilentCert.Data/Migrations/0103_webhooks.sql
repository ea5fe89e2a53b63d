-- Department pushes (issue 3): a status change of an enrolment (suspended, resumed) is an outbox row of kind
-- 'department-push' naming its event and the day it takes effect; each webhook subscribed to the programme gets it.
alter table notification_outbox add column event text;
alter table notification_outbox add column effective_from date;
-- The delivery worker looks for pushes not yet handed out every few seconds; warnings (also undelivered until a
-- delivery worker exists for them) must not be in the way of that look-up.
create index notification_outbox_pushes_pending on notification_outbox (id) where kind = 'department-push' and delivered_at is null;

create table webhook_subscription (
  id bigint generated always as identity primary key,
  department text not null,
  programme text not null,
  url text not null,
  created_at timestamptz not null,
  constraint webhook_subscription_target unique (programme, url)
);

-- One row per push and subscription, retried on its own. All delivery state is here, so a restart loses nothing.
create table webhook_delivery (
  subscription_id bigint not null references webhook_subscription (id),
  outbox_id bigint not null references notification_outbox (id),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  delivered_at timestamptz,
  last_error text,
  primary key (subscription_id, outbox_id)
);
create index webhook_delivery_due on webhook_delivery (next_attempt_at) where delivered_at is null;
