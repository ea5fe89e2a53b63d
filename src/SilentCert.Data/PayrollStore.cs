using System.Data;
using Npgsql;
using SilentCert.Domain;

namespace SilentCert.Data;

/// <summary>One line of a month's payroll: positive amount, the kind gives the direction, months ascending.</summary>
public sealed record PayrollLineRow(string PersonKey, string? MaskedIdNumber, string Kind, decimal Amount, IReadOnlyList<DateOnly> Months);

public sealed record PayrollSheet(bool Closed, IReadOnlyList<PayrollLineRow> Lines);

/// <summary>
/// Rule 14, set-based over the read model: an open month is computed from enrolment_status each time it is read, closing
/// freezes it into payroll_line. The same computation as <see cref="Payroll.LinesFor"/>, for every enrolment of a
/// programme at once; it never asks a grain.
/// </summary>
public sealed class PayrollStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// The lines of month $2 (its first day) of programme $1, as the current state says; $3: whether $2 is the settlement
    /// month, the only one that carries back-pay, estate and recovery. Columns: person_key, kind, amount, months. Only
    /// closed months have rows in payroll_line, so everything counted against it is counted against closed months.
    /// </summary>
    private const string PreviewSql = """
        select e.person_key,
               case when e.held or (e.suspended_from is not null and e.suspended_from <= $2) then 'withheld' else 'regular' end,
               e.monthly_amount,
               array[$2::date]
        from enrolment_status e
        where e.programme = $1 and e.start_month <= $2 and (e.ends_with is null or $2 <= e.ends_with)
        union all
        -- Owed (rules 10, 13): months a closed payroll withheld that nothing has settled since. Back-pay (arrears) where
        -- they are payable now; the estate's where entitlement ended with or after them; withheld months after the month
        -- of death are cancelled: they have no line.
        select w.person_key, case when e.ends_with is null then 'arrears' else 'estate' end, sum(w.amount), array_agg(w.month order by w.month)
        from payroll_line w
        join enrolment_status e on e.person_key = w.person_key and e.programme = w.programme
        where $3 and w.programme = $1 and w.kind = 'withheld' and w.month < $2
          and case when e.ends_with is null
                   then w.month >= e.start_month and not e.held and (e.suspended_from is null or w.month < e.suspended_from)
                   else w.month <= e.ends_with end
          and not exists (
            select 1 from payroll_line s
            where s.programme = w.programme and s.person_key = w.person_key
              and s.kind in ('arrears', 'estate') and w.month = any (s.months))
        group by w.person_key, e.ends_with is null
        union all
        -- Recovery (rule 13, 追回): months after the month of death that a closed payroll paid, by its regular line or
        -- later by arrears (at the amount the month withheld), not recovered yet.
        select e.person_key, 'recovery', sum(p.amount), array_agg(p.month order by p.month)
        from enrolment_status e
        join payroll_line p on p.programme = e.programme and p.person_key = e.person_key and p.kind in ('regular', 'withheld')
        where $3 and e.programme = $1 and e.ends_with is not null and p.month > e.ends_with
          and (p.kind = 'regular' or exists (
            select 1 from payroll_line a
            where a.programme = p.programme and a.person_key = p.person_key and a.kind = 'arrears' and p.month = any (a.months)))
          and not exists (
            select 1 from payroll_line r
            where r.programme = p.programme and r.person_key = p.person_key and r.kind = 'recovery' and p.month = any (r.months))
        group by e.person_key
        """;

    private const string ClosedSql = """
        select person_key, kind, amount, months from payroll_line where programme = $1 and month = $2
        """;

    /// <summary>The earliest month not before <paramref name="currentMonth"/> whose payroll is still open.</summary>
    public async Task<YearMonth> SettlementMonthAsync(string programme, YearMonth currentMonth, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await SettlementMonthAsync(connection, null, programme, currentMonth, null, cancellationToken);
    }

    /// <summary>The lines of an open month as the current state says, without writing anything.</summary>
    public async Task<IReadOnlyList<PayrollLineRow>> PreviewAsync(string programme, YearMonth month, bool isSettlementMonth, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadLinesAsync(connection, null, PreviewSql, programme, month, isSettlementMonth, cancellationToken);
    }

    /// <summary>The month's payroll: its frozen lines if it is closed, otherwise what it would be if closed now.</summary>
    public async Task<PayrollSheet> LinesAsync(string programme, YearMonth month, YearMonth currentMonth, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot: the month is not closed between asking whether it is and reading its lines.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var sheet = await SheetAsync(connection, transaction, programme, month, currentMonth, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return sheet;
    }

    /// <summary>
    /// Closes the month: freezes the lines the current state gives it. Closing a closed month changes nothing. Returns the
    /// closed payroll either way.
    /// </summary>
    public async Task<PayrollSheet> CloseAsync(string programme, YearMonth month, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var currentMonth = YearMonth.Of(ChinaTime.DateOf(now));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Closes of one programme take turns: which month settles back-pay, and what is settled, depend on each other.
        await using (var serialize = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('payroll:' || $1))", connection, transaction))
        {
            serialize.Parameters.Add(new NpgsqlParameter { Value = programme });
            await serialize.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var claim = new NpgsqlCommand("""
            insert into payroll_month (programme, month, closed_at) values ($1, $2, $3)
            on conflict do nothing
            returning 1
            """, connection, transaction);
        claim.Parameters.Add(new NpgsqlParameter { Value = programme });
        claim.Parameters.Add(new NpgsqlParameter { Value = month.FirstDay });
        claim.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime() });
        if (await claim.ExecuteScalarAsync(cancellationToken) is not null)
        {
            // Settlement month as it was just before this close: the month just claimed does not count as closed.
            var settlement = await SettlementMonthAsync(connection, transaction, programme, currentMonth, month, cancellationToken);
            await using var freeze = new NpgsqlCommand(
                $"insert into payroll_line (person_key, kind, amount, months, programme, month)\nselect l.*, $1, $2 from (\n{PreviewSql}\n) l",
                connection, transaction);
            freeze.Parameters.Add(new NpgsqlParameter { Value = programme });
            freeze.Parameters.Add(new NpgsqlParameter { Value = month.FirstDay });
            freeze.Parameters.Add(new NpgsqlParameter { Value = settlement == month });
            await freeze.ExecuteNonQueryAsync(cancellationToken);
        }
        var sheet = await SheetAsync(connection, transaction, programme, month, currentMonth, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return sheet;
    }

    private static async Task<PayrollSheet> SheetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string programme, YearMonth month, YearMonth currentMonth, CancellationToken cancellationToken)
    {
        await using var isClosed = new NpgsqlCommand("select exists (select 1 from payroll_month where programme = $1 and month = $2)", connection, transaction);
        isClosed.Parameters.Add(new NpgsqlParameter { Value = programme });
        isClosed.Parameters.Add(new NpgsqlParameter { Value = month.FirstDay });
        if (await isClosed.ExecuteScalarAsync(cancellationToken) is true)
        {
            return new PayrollSheet(true, await ReadLinesAsync(connection, transaction, ClosedSql, programme, month, null, cancellationToken));
        }
        var settlement = await SettlementMonthAsync(connection, transaction, programme, currentMonth, null, cancellationToken);
        return new PayrollSheet(false, await ReadLinesAsync(connection, transaction, PreviewSql, programme, month, settlement == month, cancellationToken));
    }

    /// <summary>
    /// The earliest open month not before the current one is the current month itself or the month after a closed one.
    /// <paramref name="asIfOpen"/> counts as open although closed.
    /// </summary>
    private static async Task<YearMonth> SettlementMonthAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string programme, YearMonth currentMonth, YearMonth? asIfOpen, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            with closed as (
              select month from payroll_month where programme = $1 and month is distinct from $3
            )
            select min(c.month) from (
              select $2::date as month
              union all
              select (month + interval '1 month')::date from closed where month >= $2
            ) c
            where c.month not in (select month from closed)
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = programme });
        command.Parameters.Add(new NpgsqlParameter { Value = currentMonth.FirstDay });
        command.Parameters.Add(new NpgsqlParameter { Value = asIfOpen is { } m ? m.FirstDay : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        var first = (DateOnly)(await command.ExecuteScalarAsync(cancellationToken))!;
        return YearMonth.Of(first);
    }

    /// <summary>Runs a lines query (columns person_key, kind, amount, months) and adds each person's masked ID number.</summary>
    private static async Task<List<PayrollLineRow>> ReadLinesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string linesSql, string programme, YearMonth month, bool? isSettlementMonth, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            select l.person_key, b.masked_id_number, l.kind, l.amount, l.months
            from (
            {linesSql}
            ) as l (person_key, kind, amount, months)
            left join beneficiary b on b.person_key = l.person_key
            order by l.person_key, array_position(array['regular', 'withheld', 'arrears', 'estate', 'recovery'], l.kind)
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = programme });
        command.Parameters.Add(new NpgsqlParameter { Value = month.FirstDay });
        if (isSettlementMonth is { } settles)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = settles });
        }
        var lines = new List<PayrollLineRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new PayrollLineRow(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetString(2),
                reader.GetDecimal(3),
                reader.GetFieldValue<DateOnly[]>(4)));
        }
        return lines;
    }
}
