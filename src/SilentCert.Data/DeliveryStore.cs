using Npgsql;

namespace SilentCert.Data;

public sealed record WebhookSubscription(long Id, string Department, string Programme, string Url, DateTimeOffset CreatedAt);

/// <summary>
/// One outbox message to one target, claimed for an attempt. <see cref="Attempts"/> counts the attempts before this one;
/// <see cref="Payload"/> is the message's own JSON object.
/// </summary>
public sealed record ClaimedDelivery(
    long TargetId, long OutboxId, int Attempts, string Url, string PersonKey, string IdempotencyKey, string Kind, DateTimeOffset DecidedAt, string Payload);

/// <summary>
/// A delivery that failed its last allowed attempt, as operators see it. <see cref="Channel"/> is null for a department's
/// webhook, otherwise the outbox kind the configured target receives. Never an ID number.
/// </summary>
public sealed record DeadDelivery(
    long TargetId, string? Channel, string? Department, string? Programme, string Url, string PersonKey, string Kind, string? Event,
    DateOnly? EffectiveFrom, int Attempts, string? LastError, DateTimeOffset DeadAt);

/// <summary>An endpoint configured for one outbox kind (and, for correction notices, optionally one source department).</summary>
public sealed record ChannelTarget(string Channel, string? Department, string Url);

/// <summary>
/// Delivery of the outbox (ARCHITECTURE.md decision 7) to its targets: department pushes to the webhooks subscribed to
/// their programme; warnings, visit tasks and correction notices to the endpoint configured for their kind (correction
/// notices to their source department's own, where one is configured). Every delivery's state is a row, so a node that
/// stops mid-way loses nothing, and several nodes can deliver at once.
/// </summary>
public sealed class DeliveryStore(NpgsqlDataSource dataSource)
{
    /// <summary>Subscribes; the same URL subscribed to the same programme twice is one subscription.</summary>
    public async Task<long> SubscribeAsync(string department, string programme, string url, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            with added as (
              insert into webhook_subscription (department, programme, url, created_at) values ($1, $2, $3, $4)
              on conflict (programme, url) do nothing
              returning id)
            select id from added
            union all
            select id from webhook_subscription where programme = $2 and url = $3
            limit 1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = department });
        command.Parameters.Add(new NpgsqlParameter { Value = programme });
        command.Parameters.Add(new NpgsqlParameter { Value = url });
        command.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime() });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<WebhookSubscription>> SubscriptionsAsync(string? programme, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            select id, department, programme, url, created_at from webhook_subscription
            where channel is null and ($1::text is null or programme = $1) order by id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)programme ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var rows = new List<WebhookSubscription>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new WebhookSubscription(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }
        return rows;
    }

    /// <summary>
    /// Makes the configured channel targets exactly <paramref name="channels"/>: new ones are added, changed URLs replaced,
    /// and targets no longer configured made inactive (their pending deliveries stay, for operators to see).
    /// </summary>
    /// <returns>Whether the active targets were different before: another node started with other channels.</returns>
    public async Task<bool> SyncChannelsAsync(IReadOnlyCollection<ChannelTarget> channels, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var serialize = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('delivery-channels'))", connection, transaction))
        {
            await serialize.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var before = new NpgsqlCommand("""
            select coalesce(array_agg(channel || ':' || coalesce(department, '') || '=' || url order by channel, department), '{}')
            from webhook_subscription where channel is not null and active
            """, connection, transaction);
        var active = (string[])(await before.ExecuteScalarAsync(cancellationToken))!;
        await using var command = new NpgsqlCommand("""
            with configured as (
              select * from unnest($1::text[], $2::text[], $3::text[]) as t(channel, department, url)),
            upserted as (
              insert into webhook_subscription (channel, department, url, created_at, active)
              select channel, department, url, $4, true from configured
              on conflict (channel, coalesce(department, '')) where channel is not null
              do update set url = excluded.url, active = true)
            update webhook_subscription s set active = false
            where s.channel is not null and s.active
              and not exists (select 1 from configured c where c.channel = s.channel and coalesce(c.department, '') = coalesce(s.department, ''))
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = channels.Select(c => c.Channel).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = channels.Select(c => (object?)c.Department ?? DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = channels.Select(c => c.Url).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime() });
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var configured = channels.Select(c => $"{c.Channel}:{c.Department ?? ""}={c.Url}").Order(StringComparer.Ordinal);
        return active.Length > 0 && !active.Order(StringComparer.Ordinal).SequenceEqual(configured);
    }

    /// <summary>
    /// Hands outbox messages not yet handed out to their targets, one delivery each, then claims up to
    /// <paramref name="limit"/> deliveries that are due. A claim moves the next attempt to <paramref name="leaseUntil"/>:
    /// another node skips it meanwhile, and if this node stops before recording the outcome, the delivery is due again then.
    /// A push goes to the webhooks that existed when it was decided, not to ones made later; a message of another kind
    /// goes to its kind's active target, whenever that was configured.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default)
    {
        await using (var fanOut = dataSource.CreateCommand("""
            with pending as (
              -- Messages with no target configured wait, unhanded and unlocked, until one is; they never hold up the others.
              -- A target is the kind's channel for the message's department, or its general one.
              select o.id, o.kind, o.programmes, o.created_at, o.payload ->> 'department' as department
              from notification_outbox o
              where o.delivered_at is null
                and (o.kind = 'department-push' or exists (select 1 from webhook_subscription c where c.active and c.channel = o.kind
                                                             and (c.department is null or c.department = o.payload ->> 'department')))
              order by o.id limit 10000 for update of o skip locked),
            targets as (
              select s.id as subscription_id, p.id as outbox_id
              from pending p
              join webhook_subscription s on s.active and (
                   (p.kind = 'department-push' and s.channel is null and s.programme = any(p.programmes) and s.created_at <= p.created_at)
                or (s.channel = p.kind and (s.department = p.department or (s.department is null and not exists (
                      select 1 from webhook_subscription x where x.active and x.channel = p.kind and x.department = p.department)))))),
            added as (
              insert into webhook_delivery (subscription_id, outbox_id, next_attempt_at)
              select subscription_id, outbox_id, $1 from targets
              on conflict do nothing)
            -- Handed out: a push to the webhooks that existed when it was decided (perhaps none), anything else once it has
            -- a target. A correction notice for a department with no endpoint of its own and no general one waits.
            update notification_outbox o set delivered_at = $1
            from pending p
            where o.id = p.id and (p.kind = 'department-push' or exists (select 1 from targets t where t.outbox_id = p.id))
            """))
        {
            fanOut.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime() });
            await fanOut.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var claim = dataSource.CreateCommand("""
            update webhook_delivery d set next_attempt_at = $2
            from (select subscription_id, outbox_id from webhook_delivery
                  where delivered_at is null and dead_at is null and next_attempt_at <= $1
                  order by next_attempt_at limit $3 for update skip locked) due,
                 webhook_subscription s, notification_outbox o
            where d.subscription_id = due.subscription_id and d.outbox_id = due.outbox_id
              and s.id = d.subscription_id and s.active and o.id = d.outbox_id
            returning d.subscription_id, d.outbox_id, d.attempts, s.url, o.person_key, o.idempotency_key, o.kind, o.created_at, o.payload::text
            """);
        claim.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime() });
        claim.Parameters.Add(new NpgsqlParameter { Value = leaseUntil.ToUniversalTime() });
        claim.Parameters.Add(new NpgsqlParameter { Value = limit });
        var rows = new List<ClaimedDelivery>();
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ClaimedDelivery(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7), reader.GetString(8)));
        }
        return rows;
    }

    public Task DeliveredAsync(ClaimedDelivery delivery, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        RecordAsync(delivery, "update webhook_delivery set attempts = attempts + 1, delivered_at = $3, last_error = null where subscription_id = $1 and outbox_id = $2",
            now, null, cancellationToken);

    public Task FailedAsync(ClaimedDelivery delivery, DateTimeOffset retryAt, string error, CancellationToken cancellationToken = default) =>
        RecordAsync(delivery, "update webhook_delivery set attempts = attempts + 1, next_attempt_at = $3, last_error = $4 where subscription_id = $1 and outbox_id = $2",
            retryAt, error, cancellationToken);

    /// <summary>The last allowed attempt failed: the delivery is dead until an operator requeues it.</summary>
    public Task MarkDeadAsync(ClaimedDelivery delivery, DateTimeOffset now, string error, CancellationToken cancellationToken = default) =>
        RecordAsync(delivery, "update webhook_delivery set attempts = attempts + 1, dead_at = $3, last_error = $4 where subscription_id = $1 and outbox_id = $2",
            now, error, cancellationToken);

    /// <summary>Dead deliveries, of one target or of all, oldest first.</summary>
    public async Task<IReadOnlyList<DeadDelivery>> DeadLettersAsync(long? targetId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            select d.subscription_id, s.channel, s.department, s.programme, s.url, o.person_key, o.kind, o.event, o.effective_from,
                   d.attempts, d.last_error, d.dead_at
            from webhook_delivery d
            join webhook_subscription s on s.id = d.subscription_id
            join notification_outbox o on o.id = d.outbox_id
            where d.dead_at is not null and ($1::bigint is null or d.subscription_id = $1)
            order by d.dead_at, d.subscription_id, d.outbox_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)targetId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        var rows = new List<DeadDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new DeadDelivery(
                reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetFieldValue<DateOnly>(8), reader.GetInt32(9),
                reader.IsDBNull(10) ? null : reader.GetString(10), reader.GetFieldValue<DateTimeOffset>(11)));
        }
        return rows;
    }

    /// <summary>
    /// Requeues the target's dead deliveries for an attempt now, each with a fresh allowance of attempts. Returns how
    /// many were requeued, or null when there is no such target.
    /// </summary>
    public async Task<int?> RequeueDeadAsync(long targetId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            with requeued as (
              update webhook_delivery set dead_at = null, attempts = 0, next_attempt_at = $2
              where subscription_id = $1 and dead_at is not null
              returning 1)
            select case when exists (select 1 from webhook_subscription where id = $1) then (select count(*) from requeued)::int end
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = targetId });
        command.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime() });
        return await command.ExecuteScalarAsync(cancellationToken) is int count ? count : null;
    }

    private async Task RecordAsync(ClaimedDelivery delivery, string sql, DateTimeOffset at, string? error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = delivery.TargetId });
        command.Parameters.Add(new NpgsqlParameter { Value = delivery.OutboxId });
        command.Parameters.Add(new NpgsqlParameter { Value = at.ToUniversalTime() });
        if (error is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = error });
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
