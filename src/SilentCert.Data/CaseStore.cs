using Npgsql;

namespace SilentCert.Data;

/// <summary>A verification case as lists show it; the first record is the one that opened it.</summary>
public sealed record CaseRow(
    string CaseId, string PersonKey, string Source, string SourceRecordId, DateOnly ReportedDeathDate, bool Conflicting,
    DateTimeOffset OpenedAt, string? Outcome, DateOnly? DeathDate, string? DecidedBy, DateTimeOffset? DecidedAt);

/// <summary>How one source's negative records fared: in open cases, confirmed, refuted.</summary>
public sealed record SourceQualityRow(string Source, long Open, long Confirmed, long Refuted);

/// <summary>Verification cases from the read model: the reviewers' queue, where a case lives, and data quality.</summary>
public sealed class CaseStore(NpgsqlDataSource dataSource)
{
    /// <summary>Open cases conflicting first (rule 12: likely data errors go to the top), then oldest first; or decided ones, latest first.</summary>
    public async Task<IReadOnlyList<CaseRow>> ListAsync(bool open, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            select case_id, person_key, records -> 0 ->> 'source', records -> 0 ->> 'sourceRecordId', reported_death_date, conflicting, opened_at,
                   outcome, death_date, decided_by, decided_at
            from verification_case
            where {(open ? "outcome is null order by conflicting desc, opened_at, case_id" : "outcome is not null order by decided_at desc, case_id")}
            limit $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var rows = new List<CaseRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new CaseRow(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateOnly>(4), reader.GetBoolean(5), reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetFieldValue<DateOnly>(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10)));
        }
        return rows;
    }

    /// <summary>The person a case belongs to, or null when there is no such case.</summary>
    public async Task<string?> OwnerAsync(string caseId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select person_key from verification_case where case_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = caseId });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Per source, how many of its negative records are in open, confirmed and refuted cases (Gansu: 2,579 suspects, 59 confirmed).</summary>
    public async Task<IReadOnlyList<SourceQualityRow>> QualityBySourceAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            select r.record ->> 'source' as source,
                   count(*) filter (where c.outcome is null),
                   count(*) filter (where c.outcome = 'confirmed'),
                   count(*) filter (where c.outcome = 'refuted')
            from verification_case c cross join lateral jsonb_array_elements(c.records) as r(record)
            group by 1 order by 1
            """);
        var rows = new List<SourceQualityRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new SourceQualityRow(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }
        return rows;
    }
}
