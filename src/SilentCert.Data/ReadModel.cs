using System.Text.Json;
using Npgsql;
using SilentCert.Domain;

namespace SilentCert.Data;

/// <summary>What a grain publishes about its person after each decision. <see cref="Version"/> grows with every decision.</summary>
public sealed record BeneficiarySnapshot(
    string PersonKey,
    string MaskedIdNumber,
    string Region,
    string Status,
    DateTimeOffset? NextActionAt,
    DateOnly? LastCertifiedOn,
    string? LastCertificationSource,
    int Version,
    IReadOnlyList<EnrolmentSnapshot> Enrolments,
    IReadOnlyList<CaseSnapshot> Cases,
    IReadOnlyList<VisitTaskSnapshot> VisitTasks);

/// <summary>A door-to-door visit task; open while <see cref="ClosedAt"/> is null.</summary>
public sealed record VisitTaskSnapshot(DateOnly Deadline, string Region, DateTimeOffset CreatedAt, bool Escalated, int NotFound, DateTimeOffset? ClosedAt);

/// <summary>An open visit task as the region's task list shows it.</summary>
public sealed record VisitTaskRow(string PersonKey, string Region, DateOnly Deadline, DateTimeOffset CreatedAt, bool Escalated, int NotFound);

/// <summary>One enrolment as the payroll reads it; <see cref="EndsWith"/> is the first day of the last month of entitlement.</summary>
public sealed record EnrolmentSnapshot(string Programme, string Status, DateOnly Deadline, DateOnly? SuspendedFrom, decimal MonthlyAmount, DateOnly StartMonth, DateOnly? EndsWith, bool Held);

/// <summary>One verification case of the person, the opening record first; <see cref="Outcome"/> is null while it is open.</summary>
public sealed record CaseSnapshot(
    string CaseId, DateOnly ReportedDeathDate, DateTimeOffset OpenedAt, bool Conflicting, IReadOnlyList<CaseRecord> Records,
    string? Outcome, DateOnly? DeathDate, string? DecidedBy, DateTimeOffset? DecidedAt, string? Note);

/// <summary>
/// A message the outbox is to deliver; <see cref="IdempotencyKey"/> is unique per person. A department push names its
/// <see cref="Event"/> (suspended, resumed, terminated) and the day it takes effect.
/// </summary>
/// <see cref="Payload"/> is what the receiver is told beyond the common fields, as a JSON object.
public sealed record OutboxMessage(string IdempotencyKey, string Kind, int? DaysBefore, DateOnly? Deadline, IReadOnlyList<string> Programmes, DateTimeOffset CreatedAt,
    string Payload, string? Event = null, DateOnly? EffectiveFrom = null);

public sealed record NotificationRow(string Kind, int? DaysBefore, DateOnly? Deadline, IReadOnlyList<string> Programmes, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt);

/// <summary>
/// The read model (ARCHITECTURE.md decision 5): lists, sweeps and totals come from here, never from grains. Every write
/// is idempotent and ordered by version, so a grain may republish at any time and the rows converge.
/// </summary>
public sealed class ReadModel(NpgsqlDataSource dataSource)
{
    private static readonly JsonSerializerOptions CaseRecordJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Writes the person's rows and their new outbox messages, and marks <paramref name="appliedSeqs"/> of their evidence
    /// applied, in one transaction.
    /// </summary>
    public async Task PublishAsync(BeneficiarySnapshot snapshot, IReadOnlyList<OutboxMessage> messages, DateTimeOffset now,
        IReadOnlyCollection<long>? appliedSeqs = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);

        var person = new NpgsqlBatchCommand("""
            insert into beneficiary (person_key, region, status, next_action_at, last_certified_on, last_certification_source, version, updated_at, masked_id_number)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            on conflict (person_key) do update set
              region = excluded.region, status = excluded.status, next_action_at = excluded.next_action_at,
              masked_id_number = excluded.masked_id_number,
              last_certified_on = excluded.last_certified_on, last_certification_source = excluded.last_certification_source,
              version = excluded.version, updated_at = excluded.updated_at
            where beneficiary.version <= excluded.version
            """);
        Add(person, snapshot.PersonKey, snapshot.Region, snapshot.Status, snapshot.NextActionAt?.ToUniversalTime(),
            snapshot.LastCertifiedOn, snapshot.LastCertificationSource, snapshot.Version, now.ToUniversalTime(), snapshot.MaskedIdNumber);
        batch.BatchCommands.Add(person);

        var enrolments = new NpgsqlBatchCommand("""
            insert into enrolment_status (person_key, programme, region, status, deadline, suspended_from, monthly_amount, start_month, ends_with, held, version)
            select $1, t.programme, $2, t.status, t.deadline, t.suspended, t.amount, t.start_month, t.ends_with, t.held, $3
            from unnest($4::text[], $5::text[], $6::date[], $7::date[], $8::numeric[], $9::date[], $10::date[], $11::boolean[])
                 as t(programme, status, deadline, suspended, amount, start_month, ends_with, held)
            on conflict (person_key, programme) do update set
              region = excluded.region, status = excluded.status, deadline = excluded.deadline,
              suspended_from = excluded.suspended_from, monthly_amount = excluded.monthly_amount,
              start_month = excluded.start_month, ends_with = excluded.ends_with, held = excluded.held, version = excluded.version
            where enrolment_status.version <= excluded.version
            """);
        var e = snapshot.Enrolments;
        Add(enrolments, snapshot.PersonKey, snapshot.Region, snapshot.Version,
            e.Select(x => x.Programme).ToArray(), e.Select(x => x.Status).ToArray(), e.Select(x => x.Deadline).ToArray(),
            e.Select(x => x.SuspendedFrom is DateOnly d ? (object)d : DBNull.Value).ToArray(),
            e.Select(x => x.MonthlyAmount).ToArray(), e.Select(x => x.StartMonth).ToArray(),
            e.Select(x => x.EndsWith is DateOnly d ? (object)d : DBNull.Value).ToArray(), e.Select(x => x.Held).ToArray());
        enrolments.Parameters[6].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Date;
        enrolments.Parameters[9].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Date;
        batch.BatchCommands.Add(enrolments);

        if (snapshot.Cases.Count > 0)
        {
            var cases = new NpgsqlBatchCommand("""
                insert into verification_case (case_id, person_key, region, reported_death_date, opened_at, conflicting, records,
                                               outcome, death_date, decided_by, decided_at, note, version)
                select t.id, $1, $2, t.reported, t.opened, t.conflicting, t.records::jsonb,
                       t.outcome, t.death, t.decided_by, t.decided_at, t.note, $3
                from unnest($4::text[], $5::date[], $6::timestamptz[], $7::boolean[], $8::text[], $9::text[], $10::date[], $11::text[],
                            $12::timestamptz[], $13::text[])
                     as t(id, reported, opened, conflicting, records, outcome, death, decided_by, decided_at, note)
                on conflict (case_id) do update set
                  region = excluded.region, conflicting = excluded.conflicting, records = excluded.records,
                  outcome = excluded.outcome, death_date = excluded.death_date,
                  decided_by = excluded.decided_by, decided_at = excluded.decided_at, note = excluded.note, version = excluded.version
                where verification_case.version <= excluded.version
                """);
            var c = snapshot.Cases;
            Add(cases, snapshot.PersonKey, snapshot.Region, snapshot.Version,
                c.Select(x => x.CaseId).ToArray(), c.Select(x => x.ReportedDeathDate).ToArray(), c.Select(x => x.OpenedAt.ToUniversalTime()).ToArray(),
                c.Select(x => x.Conflicting).ToArray(), c.Select(x => JsonSerializer.Serialize(x.Records, CaseRecordJson)).ToArray(),
                c.Select(x => (object?)x.Outcome ?? DBNull.Value).ToArray(),
                c.Select(x => x.DeathDate is DateOnly d ? (object)d : DBNull.Value).ToArray(),
                c.Select(x => (object?)x.DecidedBy ?? DBNull.Value).ToArray(),
                c.Select(x => x.DecidedAt is { } at ? (object)at.ToUniversalTime() : DBNull.Value).ToArray(),
                c.Select(x => (object?)x.Note ?? DBNull.Value).ToArray());
            foreach (var (index, type) in new[] { (8, NpgsqlTypes.NpgsqlDbType.Text), (9, NpgsqlTypes.NpgsqlDbType.Date), (10, NpgsqlTypes.NpgsqlDbType.Text),
                         (11, NpgsqlTypes.NpgsqlDbType.TimestampTz), (12, NpgsqlTypes.NpgsqlDbType.Text) })
            {
                cases.Parameters[index].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | type;
            }
            batch.BatchCommands.Add(cases);
        }

        if (snapshot.VisitTasks.Count > 0)
        {
            var tasks = new NpgsqlBatchCommand("""
                insert into visit_task (person_key, deadline, region, created_at, escalated, not_found, closed_at, version)
                select $1, t.deadline, t.region, t.created, t.escalated, t.not_found, t.closed, $2
                from unnest($3::date[], $4::text[], $5::timestamptz[], $6::boolean[], $7::integer[], $8::timestamptz[])
                     as t(deadline, region, created, escalated, not_found, closed)
                on conflict (person_key, deadline) do update set
                  region = excluded.region, escalated = excluded.escalated, not_found = excluded.not_found,
                  closed_at = excluded.closed_at, version = excluded.version
                where visit_task.version <= excluded.version
                """);
            var v = snapshot.VisitTasks;
            Add(tasks, snapshot.PersonKey, snapshot.Version, v.Select(x => x.Deadline).ToArray(), v.Select(x => x.Region).ToArray(),
                v.Select(x => x.CreatedAt.ToUniversalTime()).ToArray(), v.Select(x => x.Escalated).ToArray(), v.Select(x => x.NotFound).ToArray(),
                v.Select(x => x.ClosedAt is { } at ? (object)at.ToUniversalTime() : DBNull.Value).ToArray());
            tasks.Parameters[7].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.TimestampTz;
            batch.BatchCommands.Add(tasks);
        }

        if (messages.Count > 0)
        {
            var outbox = new NpgsqlBatchCommand("""
                insert into notification_outbox (person_key, idempotency_key, kind, days_before, deadline, programmes, region, created_at, event, effective_from, payload)
                select $1, t.key, t.kind, t.days, t.deadline, string_to_array(t.programmes, ','), $2, t.created, t.event, t.effective, t.payload::jsonb
                from unnest($3::text[], $4::text[], $5::integer[], $6::date[], $7::text[], $8::timestamptz[], $9::text[], $10::date[], $11::text[])
                     as t(key, kind, days, deadline, programmes, created, event, effective, payload)
                on conflict (person_key, idempotency_key) do nothing
                """);
            Add(outbox, snapshot.PersonKey, snapshot.Region,
                messages.Select(m => m.IdempotencyKey).ToArray(), messages.Select(m => m.Kind).ToArray(),
                messages.Select(m => m.DaysBefore is int d ? (object)d : DBNull.Value).ToArray(),
                messages.Select(m => m.Deadline is DateOnly d ? (object)d : DBNull.Value).ToArray(),
                messages.Select(m => string.Join(',', m.Programmes)).ToArray(),
                messages.Select(m => m.CreatedAt.ToUniversalTime()).ToArray(),
                messages.Select(m => (object?)m.Event ?? DBNull.Value).ToArray(),
                messages.Select(m => m.EffectiveFrom is DateOnly d ? (object)d : DBNull.Value).ToArray(),
                messages.Select(m => m.Payload).ToArray());
            outbox.Parameters[4].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Integer;
            outbox.Parameters[5].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Date;
            outbox.Parameters[8].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text;
            outbox.Parameters[9].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Date;
            batch.BatchCommands.Add(outbox);
        }
        if (appliedSeqs is { Count: > 0 })
        {
            var applied = new NpgsqlBatchCommand("update evidence_log set applied = true where person_key = $1 and seq = any($2) and not applied");
            Add(applied, snapshot.PersonKey, appliedSeqs.ToArray());
            batch.BatchCommands.Add(applied);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Which of these keys belong to enrolled people. The grain's own state row counts as well as the read model: it is
    /// written first, so evidence that arrives while an enrolment is being published is not turned away.
    /// </summary>
    public async Task<HashSet<string>> EnrolledAmongAsync(IReadOnlyCollection<string> personKeys, CancellationToken cancellationToken = default)
    {
        if (personKeys.Count == 0) return new HashSet<string>(StringComparer.Ordinal);
        await using var command = dataSource.CreateCommand("""
            select person_key from beneficiary where person_key = any($1)
            union
            select grain_key from orleans_grain_state where grain_key = any($1) and state_name = 'beneficiary' and payload is not null
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = personKeys.ToArray() });
        return (await command.ReadStringsAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>People with an action due at or before <paramref name="upTo"/>, earliest first.</summary>
    public async Task<IReadOnlyList<string>> DueAsync(DateTimeOffset upTo, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "select person_key from beneficiary where next_action_at <= $1 order by next_action_at, person_key limit $2");
        command.Parameters.Add(new NpgsqlParameter { Value = upTo.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        return await command.ReadStringsAsync(cancellationToken);
    }

    /// <summary>What the outbox decided about the person: warnings, visit tasks and department pushes (API.md), oldest first.</summary>
    public async Task<IReadOnlyList<NotificationRow>> NotificationsAsync(string personKey, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            select o.kind, o.days_before, o.deadline, o.programmes, o.created_at,
                   -- Delivered once every target it was handed to has taken it; with no target, when it was handed out.
                   case when bool_or(d.delivered_at is null and d.outbox_id is not null) then null else coalesce(max(d.delivered_at), o.delivered_at) end
            from notification_outbox o
            left join webhook_delivery d on d.outbox_id = o.id
            where o.person_key = $1
            group by o.id order by o.created_at, o.id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = personKey });
        var rows = new List<NotificationRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new NotificationRow(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetInt32(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateOnly>(2),
                reader.GetFieldValue<string[]>(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return rows;
    }

    /// <summary>The region's open door-to-door visit tasks: escalated first, then by deadline.</summary>
    public async Task<IReadOnlyList<VisitTaskRow>> OpenVisitTasksAsync(string region, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            select person_key, region, deadline, created_at, escalated, not_found from visit_task
            where region = $1 and closed_at is null order by escalated desc, deadline, person_key limit $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = region });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var rows = new List<VisitTaskRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new VisitTaskRow(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetBoolean(4), reader.GetInt32(5)));
        }
        return rows;
    }

    /// <summary>Whether the database answers at all: the readiness probe.</summary>
    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private static void Add(NpgsqlBatchCommand command, params object?[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
    }
}
