using Npgsql;
using NpgsqlTypes;

namespace SilentCert.Data;

/// <summary>A validated record on its way into the log, already keyed by person.</summary>
public sealed record EvidenceRow(
    string Source,
    string SourceRecordId,
    string PersonKey,
    DateTimeOffset ObservedAt,
    string? Region,
    DateOnly? DeathDate,
    bool Negative,
    string? VisitOutcome = null);

/// <summary>A row of the log as a grain reads it back.</summary>
public sealed record LoggedEvidence(long Seq, string Source, string SourceRecordId, DateTimeOffset ObservedAt, DateOnly? DeathDate, string? VisitOutcome);

/// <summary>
/// The evidence log: the source of truth for evidence (ARCHITECTURE.md decision 6). Unique on (source, source record id),
/// so a record sent twice is stored once.
/// </summary>
public sealed class EvidenceLog(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Stores the records that are new and returns, for each input position, the log sequence number it was stored
    /// under, or null when the record was already there (a duplicate, also within the same call).
    /// </summary>
    public async Task<long?[]> AppendAsync(IReadOnlyList<EvidenceRow> rows, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        var result = new long?[rows.Count];
        if (rows.Count == 0) return result;
        // The rows travel by COPY into a staging table of this connection's (emptied at commit), then into the log in one
        // statement that skips what is already there.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var staging = new NpgsqlCommand("""
            create temp table if not exists evidence_staging (
              position integer, source text, source_record_id text, person_key text, observed_at timestamptz, region text,
              death_date date, negative boolean, visit_outcome text) on commit delete rows
            """, connection, transaction))
        {
            await staging.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var copy = await connection.BeginBinaryImportAsync("copy evidence_staging from stdin (format binary)", cancellationToken))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(r.Source, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.SourceRecordId, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.PersonKey, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.ObservedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(r.Region, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.DeathDate, NpgsqlDbType.Date, cancellationToken);
                await copy.WriteAsync(r.Negative, NpgsqlDbType.Boolean, cancellationToken);
                await copy.WriteAsync(r.VisitOutcome, NpgsqlDbType.Text, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        await using var command = new NpgsqlCommand("""
            insert into evidence_log (source, source_record_id, person_key, observed_at, region, death_date, negative, received_at, visit_outcome)
            select source, source_record_id, person_key, observed_at, region, death_date, negative, $1, visit_outcome
            from evidence_staging
            order by position
            on conflict (source, source_record_id) do nothing
            returning seq, source, source_record_id
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = receivedAt.ToUniversalTime() });

        var stored = new Dictionary<(string, string), long>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                stored[(reader.GetString(1), reader.GetString(2))] = reader.GetInt64(0);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        for (var i = 0; i < rows.Count; i++)
        {
            // The first position of a record inside one call is the stored one; a repeat is a duplicate.
            if (stored.Remove((rows[i].Source, rows[i].SourceRecordId), out var seq))
            {
                result[i] = seq;
            }
        }
        return result;
    }

    /// <summary>This person's records that no grain has marked applied yet, in log order.</summary>
    public async Task<IReadOnlyList<LoggedEvidence>> UnappliedAsync(string personKey, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            select seq, source, source_record_id, observed_at, death_date, visit_outcome
            from evidence_log where person_key = $1 and not applied order by seq
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = personKey });
        var rows = new List<LoggedEvidence>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new LoggedEvidence(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return rows;
    }

    /// <summary>Which of these people have records in the log that no grain has applied yet.</summary>
    public async Task<IReadOnlyList<string>> WithUnappliedAmongAsync(IReadOnlyCollection<string> personKeys, CancellationToken cancellationToken = default)
    {
        if (personKeys.Count == 0) return [];
        await using var command = dataSource.CreateCommand(
            "select distinct person_key from evidence_log where person_key = any($1) and not applied");
        command.Parameters.Add(new NpgsqlParameter { Value = personKeys.ToArray() });
        return await command.ReadStringsAsync(cancellationToken);
    }

    /// <summary>People with records received before <paramref name="receivedBefore"/> that no grain has applied.</summary>
    public async Task<IReadOnlyList<string>> PeopleWithUnappliedAsync(DateTimeOffset receivedBefore, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            select person_key from evidence_log
            where not applied and received_at < $1
            group by person_key order by min(seq) limit $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = receivedBefore.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        return await command.ReadStringsAsync(cancellationToken);
    }
}
