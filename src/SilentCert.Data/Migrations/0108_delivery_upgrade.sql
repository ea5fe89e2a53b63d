-- Messages decided before every kind had a payload get one from their columns, so a push still being retried, and a
-- warning or visit task never delivered (no worker delivered them before), reach their targets complete.
update notification_outbox set payload = jsonb_build_object('programme', programmes[1], 'event', event, 'effectiveFrom', effective_from)
where kind = 'department-push' and payload = '{}';
update notification_outbox set payload = jsonb_build_object('deadline', deadline, 'daysBefore', days_before, 'programmes', to_jsonb(programmes))
where kind = 'warning' and payload = '{}';
update notification_outbox set payload = jsonb_build_object('region', region, 'deadline', deadline, 'programmes', to_jsonb(programmes))
where kind = 'visit-task' and payload = '{}';

-- A person's notifications look up the deliveries of each of their messages.
create index webhook_delivery_outbox on webhook_delivery (outbox_id);
