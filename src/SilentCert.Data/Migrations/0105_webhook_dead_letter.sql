-- A delivery that has failed its last allowed attempt is dead: no longer attempted, listed for operators, who requeue a
-- subscription's dead deliveries once the department has mended its endpoint.
alter table webhook_delivery add column dead_at timestamptz;
drop index webhook_delivery_due;
create index webhook_delivery_due on webhook_delivery (next_attempt_at) where delivered_at is null and dead_at is null;
create index webhook_delivery_dead on webhook_delivery (subscription_id) where dead_at is not null;
