using Npgsql;
using SilentCert.Data;

namespace SilentCert.Grains;

/// <summary>
/// Orleans' reminder table in PostgreSQL's <c>orleans_reminder</c> (migration 0004), with the reads, upserts and deletes
/// that many grains make at once each run in one statement (<see cref="Batcher{TItem, TResult}"/>): Orleans' ADO.NET
/// reminder table, whose rows this one reads and writes alike, spends a statement and a transaction per grain, which
/// bounded enrolment and the month end (docs/BENCHMARKS.md). Rows and etags are as before: a grain's ID in its string
/// form, its uniform hash cast to a signed int, and a version that every upsert bumps and a delete must match.
/// </summary>
public sealed class BatchingReminderTable : IReminderTable
{
    private const string Columns = "grain_id, reminder_name, start_time, period, version";

    /// <summary>A ring range that does not wrap in signed order: one scan of <c>orleans_reminder_range</c>.</summary>
    public const string RangeSql = $"select {Columns} from orleans_reminder where service_id = $1 and grain_hash > $2 and grain_hash <= $3";

    /// <summary>A ring range that wraps in signed order, or the whole ring: two scans of <c>orleans_reminder_range</c>.</summary>
    public const string WrappingRangeSql = $"""
        select {Columns} from orleans_reminder where service_id = $1 and grain_hash > $2
        union all
        select {Columns} from orleans_reminder where service_id = $1 and grain_hash <= $3
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly Batcher<string, List<ReminderEntry>> _reads;
    private readonly Batcher<ReminderEntry, string?> _upserts;
    private readonly Batcher<(GrainId GrainId, string Name, string ETag), bool> _removes;

    public BatchingReminderTable(NpgsqlDataSource dataSource, string serviceId)
    {
        _dataSource = dataSource;
        _serviceId = serviceId;
        _reads = new Batcher<string, List<ReminderEntry>>(ReadAsync, id => id);
        _upserts = new Batcher<ReminderEntry, string?>(UpsertAsync, e => $"{e.GrainId}\n{e.ReminderName}");
        _removes = new Batcher<(GrainId GrainId, string Name, string ETag), bool>(RemoveAsync, r => $"{r.GrainId}\n{r.Name}");
    }

    /// <summary>Orleans starts the reminder service only once its table answers.</summary>
    public async Task Init()
    {
        await using var command = _dataSource.CreateCommand("select 1 from orleans_reminder limit 1");
        await command.ExecuteScalarAsync();
    }

    public async Task<ReminderTableData> ReadRows(GrainId grainId) => new(await _reads.AddAsync(grainId.ToString()));

    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        (await _reads.AddAsync(grainId.ToString())).FirstOrDefault(e => e.ReminderName == reminderName);

    /// <summary>
    /// The reminders of the ring range (begin, end], hashes compared as the signed ints they are stored as: one range
    /// scan when the range does not wrap in that order, two when it does or covers the whole ring (begin = end).
    /// </summary>
    public async Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        var (from, to) = (unchecked((int)begin), unchecked((int)end));
        await using var command = _dataSource.CreateCommand(from < to ? RangeSql : WrappingRangeSql);
        command.Parameters.Add(new NpgsqlParameter { Value = _serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = to });
        return new ReminderTableData(await EntriesAsync(command));
    }

    public Task<string?> UpsertRow(ReminderEntry entry) => _upserts.AddAsync(entry);

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => _removes.AddAsync((grainId, reminderName, eTag));

    public async Task TestOnlyClearTable()
    {
        await using var command = _dataSource.CreateCommand("delete from orleans_reminder where service_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = _serviceId });
        await command.ExecuteNonQueryAsync();
    }

    private async Task<IReadOnlyList<List<ReminderEntry>>> ReadAsync(IReadOnlyList<string> grainIds)
    {
        await using var command = _dataSource.CreateCommand(
            $"select {Columns} from orleans_reminder where service_id = $1 and grain_id = any($2)");
        command.Parameters.Add(new NpgsqlParameter { Value = _serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = grainIds.ToArray() });
        var byGrain = (await EntriesAsync(command)).ToLookup(e => e.GrainId.ToString(), StringComparer.Ordinal);
        return [.. grainIds.Select(id => byGrain[id].ToList())];
    }

    private async Task<IReadOnlyList<string?>> UpsertAsync(IReadOnlyList<ReminderEntry> entries)
    {
        await using var command = _dataSource.CreateCommand("""
            insert into orleans_reminder as r (service_id, grain_id, reminder_name, grain_hash, start_time, period, version)
            select $1, t.grain_id, t.name, t.hash, t.start_time, t.period, 1
            from unnest($2::text[], $3::text[], $4::integer[], $5::timestamptz[], $6::bigint[]) as t(grain_id, name, hash, start_time, period)
            on conflict (service_id, grain_id, reminder_name) do update
            set grain_hash = excluded.grain_hash, start_time = excluded.start_time, period = excluded.period, version = r.version + 1
            returning r.grain_id, r.reminder_name, r.version
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = _serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = entries.Select(e => e.GrainId.ToString()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = entries.Select(e => e.ReminderName).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = entries.Select(e => unchecked((int)e.GrainId.GetUniformHashCode())).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = entries.Select(e => new DateTimeOffset(e.StartAt.Kind == DateTimeKind.Local ? e.StartAt.ToUniversalTime() : DateTime.SpecifyKind(e.StartAt, DateTimeKind.Utc))).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = entries.Select(e => (long)e.Period.TotalMilliseconds).ToArray() });
        var versions = new Dictionary<(string, string), int>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                versions[(reader.GetString(0), reader.GetString(1))] = reader.GetInt32(2);
            }
        }
        return [.. entries.Select(e => ETag(versions[(e.GrainId.ToString(), e.ReminderName)]))];
    }

    private async Task<IReadOnlyList<bool>> RemoveAsync(IReadOnlyList<(GrainId GrainId, string Name, string ETag)> removals)
    {
        await using var command = _dataSource.CreateCommand("""
            delete from orleans_reminder r
            using unnest($2::text[], $3::text[], $4::integer[]) as t(grain_id, name, version)
            where r.service_id = $1 and r.grain_id = t.grain_id and r.reminder_name = t.name and r.version = t.version
            returning r.grain_id, r.reminder_name
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = _serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = removals.Select(r => r.GrainId.ToString()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = removals.Select(r => r.Name).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = removals.Select(r => int.TryParse(r.ETag, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1).ToArray() });
        var deleted = new HashSet<(string, string)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                deleted.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        return [.. removals.Select(r => deleted.Contains((r.GrainId.ToString(), r.Name)))];
    }

    private static async Task<List<ReminderEntry>> EntriesAsync(NpgsqlCommand command)
    {
        var entries = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            entries.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0)),
                ReminderName = reader.GetString(1),
                StartAt = reader.GetFieldValue<DateTime>(2),
                Period = TimeSpan.FromMilliseconds(reader.GetInt64(3)),
                ETag = ETag(reader.GetInt32(4)),
            });
        }
        return entries;
    }

    private static string ETag(int version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
