using Npgsql;
using Orleans.Storage;
using SilentCert.Data;

namespace SilentCert.Grains;

/// <summary>
/// Grain state in PostgreSQL's <c>orleans_grain_state</c>, read and written in batches (<see cref="Batcher{TItem, TResult}"/>):
/// the states that many grains write at once go to the table in one transaction and one statement (group commit), and
/// the states that many activating grains read at once come in one query, where Orleans' ADO.NET provider, which wrote
/// these rows before, spends a statement and a transaction per grain (docs/BENCHMARKS.md). Rows are found
/// by string key, state name and service; the version is the etag, and a write or clear succeeds only if the row still
/// has the version the grain last read or wrote (none, for a first write), as with the ADO.NET provider: otherwise
/// <see cref="InconsistentStateException"/>. The switch is one way: the hash and number columns of rows this provider
/// inserts are filled from the key with PostgreSQL's own hash, not Orleans', so the ADO.NET provider would not find them;
/// a cluster moves to this provider (migration 0109) with every node stopped, and does not go back.
/// </summary>
public sealed class BatchingGrainStorage : IGrainStorage
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IGrainStorageSerializer _serializer;
    private readonly string _serviceId;
    private readonly Batcher<StateWrite, int?> _writes;
    private readonly Batcher<(string Key, string StateName), StoredState?> _reads;

    public BatchingGrainStorage(NpgsqlDataSource dataSource, IGrainStorageSerializer serializer, string serviceId)
    {
        _dataSource = dataSource;
        _serializer = serializer;
        _serviceId = serviceId;
        _writes = new Batcher<StateWrite, int?>(WriteAsync, w => $"{w.StateName}\n{w.Key}");
        _reads = new Batcher<(string Key, string StateName), StoredState?>(ReadAsync, r => $"{r.StateName}\n{r.Key}");
    }

    private sealed record StateWrite(string Key, string StateName, byte[] Payload, int? Version);

    /// <summary>A stored row: its payload (null after a clear) and version.</summary>
    private sealed record StoredState(byte[]? Payload, int Version);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = await _reads.AddAsync((KeyOf(grainId), stateName));
        grainState.State = stored?.Payload is { } payload ? _serializer.Deserialize<T>(new BinaryData(payload)) : Activator.CreateInstance<T>();
        grainState.ETag = stored?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = stored?.Payload is not null;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var write = new StateWrite(KeyOf(grainId), stateName, _serializer.Serialize(grainState.State).ToArray(), VersionOf(grainState.ETag));
        var version = await _writes.AddAsync(write) ?? throw Refused("write", grainId, stateName, grainState.ETag);
        grainState.ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (VersionOf(grainState.ETag) is not { } version)
        {
            throw Refused("clear", grainId, stateName, null);
        }
        await using var command = _dataSource.CreateCommand("""
            update orleans_grain_state set payload = null, version = version + 1, modified_at = now()
            where grain_key = $1 and state_name = $2 and service_id = $3 and version = $4
            returning version
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = KeyOf(grainId) });
        command.Parameters.Add(new NpgsqlParameter { Value = stateName });
        command.Parameters.Add(new NpgsqlParameter { Value = _serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = version });
        var cleared = await command.ExecuteScalarAsync() ?? throw Refused("clear", grainId, stateName, grainState.ETag);
        grainState.ETag = ((int)cleared).ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    /// <summary>Reads many grains' states in one query; a state never written gets null.</summary>
    private async Task<IReadOnlyList<StoredState?>> ReadAsync(IReadOnlyList<(string Key, string StateName)> reads)
    {
        await using var command = _dataSource.CreateCommand("""
            select s.grain_key, s.state_name, s.payload, s.version
            from unnest($1::text[], $2::text[]) as t(grain_key, state_name)
            join orleans_grain_state s on s.grain_key = t.grain_key and s.state_name = t.state_name and s.service_id = $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = reads.Select(r => r.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = reads.Select(r => r.StateName).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = _serviceId });
        var found = new Dictionary<(string, string), StoredState>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                found[(reader.GetString(0), reader.GetString(1))] = new StoredState(reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2), reader.GetInt32(3));
            }
        }
        return [.. reads.Select(r => found.GetValueOrDefault((r.Key, r.StateName)))];
    }

    /// <summary>Writes many grains' states in one statement; a state refused for its version gets null.</summary>
    private async Task<IReadOnlyList<int?>> WriteAsync(IReadOnlyList<StateWrite> writes)
    {
        await using var command = _dataSource.CreateCommand("""
            with input as (
              select * from unnest($1::text[], $2::text[], $3::bytea[], $4::integer[]) as t(grain_key, state_name, payload, expected)),
            updated as (
              update orleans_grain_state s set payload = i.payload, version = s.version + 1, modified_at = now()
              from input i
              where i.expected is not null and s.grain_key = i.grain_key and s.state_name = i.state_name and s.service_id = $5
                and s.version = i.expected
              returning s.grain_key, s.state_name, s.version),
            inserted as (
              insert into orleans_grain_state (grain_id_hash, service_id, state_name, grain_id_n0, grain_id_n1, grain_key, grain_type_hash, payload, version)
              select hashtext(i.grain_key), $5, i.state_name, 0, 0, i.grain_key, hashtext(i.state_name), i.payload, 1
              from input i where i.expected is null
              on conflict (grain_key, state_name, service_id) do nothing
              returning grain_key, state_name, version)
            select grain_key, state_name, version from updated
            union all
            select grain_key, state_name, version from inserted
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = writes.Select(w => w.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = writes.Select(w => w.StateName).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = writes.Select(w => w.Payload).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = writes.Select(w => w.Version).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = _serviceId });
        var written = new Dictionary<(string, string), int>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                written[(reader.GetString(0), reader.GetString(1))] = reader.GetInt32(2);
            }
        }
        return [.. writes.Select(w => written.TryGetValue((w.Key, w.StateName), out var version) ? version : (int?)null)];
    }

    /// <summary>The whole string key: SilentCert's grains are string-keyed (ARCHITECTURE.md decision 1).</summary>
    private static string KeyOf(GrainId grainId) => grainId.Key.ToString()!;

    private static int? VersionOf(string? etag) =>
        etag is null ? null : int.Parse(etag, System.Globalization.CultureInfo.InvariantCulture);

    private static InconsistentStateException Refused(string what, GrainId grainId, string stateName, string? etag) =>
        new($"The {what} of {stateName} for {grainId} was refused: the stored version is no longer {etag ?? "none"}.", etag ?? "", etag ?? "");
}
