using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using Orleans.Runtime;
using SilentCert.Contracts;
using SilentCert.Domain;
using SilentCert.Gateway.Hosting;
using SilentCert.Grains;

namespace SilentCert.Cli;

public static partial class Benchmark
{
    /// <summary>The simulated month whose end is measured: January 2026, on a manual clock.</summary>
    private static readonly DateTimeOffset MonthEndClockStart = new(2026, 1, 10, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>
    /// Month-end (issue 5): <paramref name="people"/> people on a manual-clock node, every tenth overdue. Each was enrolled
    /// in person (strong evidence, 12 months: rule 2) on 15 January 2025, the others on 15 June 2025, so on 10 January
    /// 2026 the tenth is warned, on 16 January recorded overdue, and at midnight on 1 February suspended from that month
    /// (rule 9). The figure is that last step, every grain deactivated first as at a real month's end: the due sweep reads
    /// who is due from the read model and calls <see cref="IBeneficiaryGrain.Evaluate"/>, the same call as a reminder's
    /// tick, which activates each grain from storage and persists and publishes its suspension. Against it, the same
    /// decision for the same people as one SQL <c>UPDATE</c> of a per-person deadline table.
    /// </summary>
    public static async Task<IReadOnlyList<Figure>> RunMonthEndAsync(int people, IDictionary<string, string?> settings, TextWriter log,
        CancellationToken cancellationToken = default)
    {
        var nodeSettings = new Dictionary<string, string?>(settings)
        {
            ["Clock:Mode"] = "Manual",
            ["Clock:Start"] = MonthEndClockStart.ToString("O"),
            ["SilentCert:Topology"] = "single-node",
        };
        await using var node = await StartNodeAsync(nodeSettings, cancellationToken);
        var overdueDeadline = new DateOnly(2026, 1, 15);
        var commands = Enumerable.Range(0, people).Select(i => (Key: SyntheticKey(i), Command: new EnrolCommand(
            "340102********0011", new DateOnly(1960, 5, 1), "月末", "340102", null, [],
            [new EnrolmentItem("pension-resident", 200m, new DateOnly(2025, 1, 1))],
            i % 10 == 0 ? new DateOnly(2025, 1, 15) : new DateOnly(2025, 6, 15)))).ToList();
        log.WriteLine($"month-end: enrolled {people:N0} people in {await EnrolAsync(node, commands, cancellationToken):F1} s");

        var clock = (ManualClock)node.Services.GetRequiredKeyedService<TimeProvider>(NodeClock.Key);
        var sweep = node.Services.GetRequiredService<DueSweep>();
        var overdueOn = ChinaTime.StartOf(overdueDeadline.AddDays(1));
        clock.TryMoveTo(overdueOn);
        var recorded = await sweep.RunAsync(overdueOn, cancellationToken);
        log.WriteLine($"month-end: {recorded:N0} people recorded overdue on {overdueOn:yyyy-MM-dd}");

        var management = node.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var active = await DeactivateAllAsync(management, cancellationToken);
        log.WriteLine($"month-end: grains deactivated ({active:N0} activations left)");

        var monthEnd = ChinaTime.StartOf(new DateOnly(2026, 2, 1));
        clock.TryMoveTo(monthEnd);
        var dataSource = node.Services.GetRequiredService<NpgsqlDataSource>();
        var profiled = await ResetStatementsAsync(dataSource, cancellationToken);
        var cpu = CpuMeter.Start();
        var watch = Stopwatch.StartNew();
        var evaluated = await sweep.RunAsync(monthEnd, cancellationToken);
        var grainSeconds = watch.Elapsed.TotalSeconds;
        var (siloCpu, machineCpu) = cpu.Shares();
        if (profiled)
        {
            await WriteTopStatementsAsync(dataSource, "the month-end evaluation", log, cancellationToken);
        }
        var suspended = await ScalarAsync(dataSource, "select count(*) from enrolment_status where suspended_from = date '2026-02-01'", cancellationToken);
        log.WriteLine($"month-end: {evaluated:N0} grains evaluated, {suspended:N0} suspended, in {grainSeconds:F2} s");

        var sqlSeconds = await MonthEndSqlAsync(dataSource, commands.Select(c => (c.Key, Deadline: c.Command.EnrolledOn.AddMonths(12))).ToList(),
            new DateOnly(2026, 2, 1), cancellationToken);
        log.WriteLine($"month-end: the same decision by one SQL UPDATE in {sqlSeconds:F3} s");
        await node.StopAsync(cancellationToken);
        return
        [
            new Figure("monthend_people", people, "people"),
            new Figure("monthend_suspended", suspended, "people"),
            new Figure("monthend_s", grainSeconds, "s"),
            new Figure("monthend_sql_s", sqlSeconds, "s"),
            new Figure("monthend_vs_sql_ratio", grainSeconds / sqlSeconds, "(goal ≤ 3)"),
            new Figure("monthend_silo_cpu_share", siloCpu, "of all cores"),
            new Figure("monthend_machine_cpu_share", machineCpu, "of all cores"),
        ];
    }

    /// <summary>Deactivates every idle grain, as activation collection does over a quiet month; returns what is left.</summary>
    private static async Task<int> DeactivateAllAsync(IManagementGrain management, CancellationToken cancellationToken)
    {
        await management.ForceActivationCollection(TimeSpan.Zero);
        var deadline = Stopwatch.StartNew();
        int left;
        while ((left = await management.GetTotalActivationCount()) > 100 && deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
        return left;
    }

    /// <summary>The set-based month-end: a per-person deadline table, and one UPDATE that suspends whoever is past it.</summary>
    private static async Task<double> MonthEndSqlAsync(NpgsqlDataSource dataSource, IReadOnlyList<(string Key, DateOnly Deadline)> people, DateOnly monthStart,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var setup = new NpgsqlCommand("""
            drop table if exists baseline_monthend;
            create table baseline_monthend (person_key text primary key, deadline date not null, suspended_from date);
            """, connection))
        {
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var copy = await connection.BeginBinaryImportAsync("copy baseline_monthend (person_key, deadline) from stdin (format binary)", cancellationToken))
        {
            foreach (var (key, deadline) in people)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(key, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(deadline, NpgsqlDbType.Date, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        await using (var analyze = new NpgsqlCommand("analyze baseline_monthend", connection))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }
        var watch = Stopwatch.StartNew();
        await using var update = new NpgsqlCommand(
            "update baseline_monthend set suspended_from = $1 where deadline < $1 and suspended_from is null", connection);
        update.Parameters.Add(new NpgsqlParameter { Value = monthStart });
        await update.ExecuteNonQueryAsync(cancellationToken);
        return watch.Elapsed.TotalSeconds;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
