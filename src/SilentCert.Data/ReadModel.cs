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

/// <summary>
/// What one grain publishes after a decision: its <see cref="Snapshot"/> (null when nothing changed but evidence is to be
/// marked), new outbox messages, and the log positions of its evidence that the state it has just written applied.
/// </summary>
public sealed record Publication(string PersonKey, BeneficiarySnapshot? Snapshot, IReadOnlyList<OutboxMessage> Messages, IReadOnlyCollection<long> AppliedSeqs,
    DateTimeOffset Now);

public sealed record NotificationRow(string Kind, int? DaysBefore, DateOnly? Deadline, IReadOnlyList<string> Programmes, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt);

/// <summary>
/// The read model (ARCHITECTURE.md decision 5): lists, sweeps and totals come from here, never from grains. Every write
/// is idempotent and ordered by version, so a grain may republish at any time and the rows converge.
/// </summary>
public sealed class ReadModel
{
    private static readonly JsonSerializerOptions CaseRecordJson = new(JsonSerializerDefaults.Web);

    private readonly NpgsqlDataSource dataSource;
    private readonly Batcher<Publication, bool> _publications;

    public ReadModel(NpgsqlDataSource dataSource)
    {
        this.dataSource = dataSource;
        _publications = new Batcher<Publication, bool>(WriteAsync, p => p.PersonKey);
    }

    /// <summary>
    /// Writes the person's rows and their new outbox messages, and marks <paramref name="appliedSeqs"/> of their evidence
    /// applied, in one transaction (see <see cref="PublishAsync(Publication)"/>).
    /// </summary>
    public Task PublishAsync(BeneficiarySnapshot snapshot, IReadOnlyList<OutboxMessage> messages, DateTimeOffset now,
        IReadOnlyCollection<long>? appliedSeqs = null) =>
        PublishAsync(new Publication(snapshot.PersonKey, snapshot, messages, appliedSeqs ?? [], now));

    /// <summary>Marks evidence applied whose decisions are persisted but changed nothing to publish.</summary>
    public Task MarkAppliedAsync(string personKey, IReadOnlyCollection<long> seqs, DateTimeOffset now) =>
        seqs.Count == 0 ? Task.CompletedTask : PublishAsync(new Publication(personKey, null, [], seqs, now));

    /// <summary>
    /// Completes once the publication is durable. Publications of many grains are written together by group commit
    /// (<see cref="Batcher{TItem, TResult}"/>): one set-based statement per table for all of them.
    /// </summary>
    private Task PublishAsync(Publication publication) => _publications.AddAsync(publication);

    /// <summary>Writes publications of different people in one transaction, one statement per table.</summary>
    private async Task<IReadOnlyList<bool>> WriteAsync(IReadOnlyList<Publication> group)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction);
        var snapshots = group.Where(p => p.Snapshot is not null).Select(p => (p.Snapshot!, p.Now)).ToList();

        if (snapshots.Count > 0)
        {
            batch.BatchCommands.Add(Command("""
                insert into beneficiary (person_key, region, status, next_action_at, last_certified_on, last_certification_source, version, updated_at, masked_id_number)
                select * from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::date[], $6::text[], $7::integer[], $8::timestamptz[], $9::text[])
                on conflict (person_key) do update set
                  region = excluded.region, status = excluded.status, next_action_at = excluded.next_action_at,
                  masked_id_number = excluded.masked_id_number,
                  last_certified_on = excluded.last_certified_on, last_certification_source = excluded.last_certification_source,
                  version = excluded.version, updated_at = excluded.updated_at
                where beneficiary.version <= excluded.version
                """,
                Column(snapshots, x => x.Item1.PersonKey), Column(snapshots, x => x.Item1.Region), Column(snapshots, x => x.Item1.Status),
                Column(snapshots, x => x.Item1.NextActionAt?.ToUniversalTime()), Column(snapshots, x => x.Item1.LastCertifiedOn),
                Column(snapshots, x => x.Item1.LastCertificationSource), Column(snapshots, x => x.Item1.Version),
                Column(snapshots, x => x.Now.ToUniversalTime()), Column(snapshots, x => x.Item1.MaskedIdNumber)));

            var enrolments = snapshots.SelectMany(x => x.Item1.Enrolments.Select(e => (Person: x.Item1, Enrolment: e))).ToList();
            batch.BatchCommands.Add(Command("""
                insert into enrolment_status (person_key, programme, region, status, deadline, suspended_from, monthly_amount, start_month, ends_with, held, version)
                select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::date[], $7::numeric[], $8::date[], $9::date[], $10::boolean[], $11::integer[])
                on conflict (person_key, programme) do update set
                  region = excluded.region, status = excluded.status, deadline = excluded.deadline,
                  suspended_from = excluded.suspended_from, monthly_amount = excluded.monthly_amount,
                  start_month = excluded.start_month, ends_with = excluded.ends_with, held = excluded.held, version = excluded.version
                where enrolment_status.version <= excluded.version
                """,
                Column(enrolments, x => x.Person.PersonKey), Column(enrolments, x => x.Enrolment.Programme), Column(enrolments, x => x.Person.Region),
                Column(enrolments, x => x.Enrolment.Status), Column(enrolments, x => x.Enrolment.Deadline), Column(enrolments, x => x.Enrolment.SuspendedFrom),
                Column(enrolments, x => x.Enrolment.MonthlyAmount), Column(enrolments, x => x.Enrolment.StartMonth), Column(enrolments, x => x.Enrolment.EndsWith),
                Column(enrolments, x => x.Enrolment.Held), Column(enrolments, x => x.Person.Version)));

            var cases = snapshots.SelectMany(x => x.Item1.Cases.Select(c => (Person: x.Item1, Case: c))).ToList();
            if (cases.Count > 0)
            {
                batch.BatchCommands.Add(Command("""
                    insert into verification_case (case_id, person_key, region, reported_death_date, opened_at, conflicting, records,
                                                   outcome, death_date, decided_by, decided_at, note, version)
                    select t.id, t.person_key, t.region, t.reported, t.opened, t.conflicting, t.records::jsonb,
                           t.outcome, t.death, t.decided_by, t.decided_at, t.note, t.version
                    from unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::timestamptz[], $6::boolean[], $7::text[], $8::text[], $9::date[],
                                $10::text[], $11::timestamptz[], $12::text[], $13::integer[])
                         as t(id, person_key, region, reported, opened, conflicting, records, outcome, death, decided_by, decided_at, note, version)
                    on conflict (case_id) do update set
                      region = excluded.region, conflicting = excluded.conflicting, records = excluded.records,
                      outcome = excluded.outcome, death_date = excluded.death_date,
                      decided_by = excluded.decided_by, decided_at = excluded.decided_at, note = excluded.note, version = excluded.version
                    where verification_case.version <= excluded.version
                    """,
                    Column(cases, x => x.Case.CaseId), Column(cases, x => x.Person.PersonKey), Column(cases, x => x.Person.Region),
                    Column(cases, x => x.Case.ReportedDeathDate), Column(cases, x => x.Case.OpenedAt.ToUniversalTime()), Column(cases, x => x.Case.Conflicting),
                    Column(cases, x => JsonSerializer.Serialize(x.Case.Records, CaseRecordJson)), Column(cases, x => x.Case.Outcome),
                    Column(cases, x => x.Case.DeathDate), Column(cases, x => x.Case.DecidedBy), Column(cases, x => x.Case.DecidedAt?.ToUniversalTime()),
                    Column(cases, x => x.Case.Note), Column(cases, x => x.Person.Version)));
            }

            var tasks = snapshots.SelectMany(x => x.Item1.VisitTasks.Select(t => (Person: x.Item1, Task: t))).ToList();
            if (tasks.Count > 0)
            {
                batch.BatchCommands.Add(Command("""
                    insert into visit_task (person_key, deadline, region, created_at, escalated, not_found, closed_at, version)
                    select * from unnest($1::text[], $2::date[], $3::text[], $4::timestamptz[], $5::boolean[], $6::integer[], $7::timestamptz[], $8::integer[])
                    on conflict (person_key, deadline) do update set
                      region = excluded.region, escalated = excluded.escalated, not_found = excluded.not_found,
                      closed_at = excluded.closed_at, version = excluded.version
                    where visit_task.version <= excluded.version
                    """,
                    Column(tasks, x => x.Person.PersonKey), Column(tasks, x => x.Task.Deadline), Column(tasks, x => x.Task.Region),
                    Column(tasks, x => x.Task.CreatedAt.ToUniversalTime()), Column(tasks, x => x.Task.Escalated), Column(tasks, x => x.Task.NotFound),
                    Column(tasks, x => x.Task.ClosedAt?.ToUniversalTime()), Column(tasks, x => x.Person.Version)));
            }
        }

        var messages = group.Where(p => p.Snapshot is not null).SelectMany(p => p.Messages.Select(m => (Person: p.Snapshot!, Message: m))).ToList();
        if (messages.Count > 0)
        {
            batch.BatchCommands.Add(Command("""
                insert into notification_outbox (person_key, idempotency_key, kind, days_before, deadline, programmes, region, created_at, event, effective_from, payload)
                select t.person_key, t.key, t.kind, t.days, t.deadline, string_to_array(t.programmes, ','), t.region, t.created, t.event, t.effective, t.payload::jsonb
                from unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::date[], $6::text[], $7::text[], $8::timestamptz[], $9::text[], $10::date[], $11::text[])
                     as t(person_key, key, kind, days, deadline, programmes, region, created, event, effective, payload)
                on conflict (person_key, idempotency_key) do nothing
                """,
                Column(messages, x => x.Person.PersonKey), Column(messages, x => x.Message.IdempotencyKey), Column(messages, x => x.Message.Kind),
                Column(messages, x => x.Message.DaysBefore), Column(messages, x => x.Message.Deadline), Column(messages, x => string.Join(',', x.Message.Programmes)),
                Column(messages, x => x.Person.Region), Column(messages, x => x.Message.CreatedAt.ToUniversalTime()), Column(messages, x => x.Message.Event),
                Column(messages, x => x.Message.EffectiveFrom), Column(messages, x => x.Message.Payload)));
        }

        var applied = group.SelectMany(p => p.AppliedSeqs.Select(seq => (p.PersonKey, Seq: seq))).ToList();
        if (applied.Count > 0)
        {
            // A grain marks only its own person's rows.
            batch.BatchCommands.Add(Command("""
                update evidence_log e set applied = true
                from unnest($1::text[], $2::bigint[]) as t(person_key, seq)
                where e.seq = t.seq and e.person_key = t.person_key and not e.applied
                """, Column(applied, x => x.PersonKey), Column(applied, x => x.Seq)));
        }
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        return [.. group.Select(_ => true)];
    }

    /// <summary>One column of a set-based statement: a typed array, nulls allowed.</summary>
    private static T[] Column<TRow, T>(IReadOnlyList<TRow> rows, Func<TRow, T> value) => [.. rows.Select(value)];

    private static NpgsqlBatchCommand Command(string sql, params object[] columns)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var column in columns)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = column });
        }
        return command;
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

}
