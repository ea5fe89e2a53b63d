using System.Collections.Immutable;
using System.Globalization;
using CsCheck;
using Npgsql;
using SilentCert.Data;
using SilentCert.Domain;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Storage;

// Proves that the set-based SQL payroll (rule 14) equals the domain's Payroll.LinesFor for random lives — suspensions,
// resumptions, holds and their release, amount changes, confirmed deaths, months closed late or left open — and that
// closed months never change.
public sealed class PayrollSqlPropertyTests : IClassFixture<PayrollSqlPropertyTests.Database>
{
    public sealed class Database
    {
        public Database()
        {
            var db = TestDatabase.Create();
            DataSource = NpgsqlDataSource.Create(db.ConnectionString);
        }

        public NpgsqlDataSource DataSource { get; }
    }

    private const int People = 8;
    private const int Months = 18;
    private static readonly YearMonth First = new(2026, 1);

    /// <summary>What happens to one person at the start of a month.</summary>
    private enum Change { None, Suspend, Resume, Hold, Release, Die, Raise }

    private static readonly Gen<Change> Changes = Gen.Frequency(
        (12, Gen.Const(Change.None)), (3, Gen.Const(Change.Suspend)), (3, Gen.Const(Change.Resume)), (2, Gen.Const(Change.Hold)),
        (2, Gen.Const(Change.Release)), (2, Gen.Const(Change.Die)), (1, Gen.Const(Change.Raise)));

    /// <summary>One person's oracle state: the entitlement now and what the closed months froze for them.</summary>
    private sealed class Life(string key, YearMonth startMonth, decimal amount)
    {
        public string Key { get; } = key;

        public Entitlement Entitlement { get; set; } = new(startMonth, amount);

        public List<ClosedMonth> Closed { get; } = [];
    }

    private readonly Database _database;
    private int _run;
    private readonly HashSet<string> _kindsClosed = [];

    public PayrollSqlPropertyTests(Database database) => _database = database;

    [Fact]
    public void The_sql_payroll_equals_the_rule_14_oracle_and_closed_months_never_change()
    {
        var lives = Gen.Select(Changes.Array[Months].Array[People], Gen.Int[0, 3].Array[Months], Gen.Int[0, 5].Array[People]);
        lives.Sample((changes, closing, startOffsets) => Run(changes, closing, startOffsets).GetAwaiter().GetResult(), iter: 40, threads: 1);

        // The lives drawn are varied enough to have closed every kind of line somewhere.
        Assert.Equal(["arrears", "estate", "recovery", "regular", "withheld"], _kindsClosed.Order(StringComparer.Ordinal));
    }

    private async Task Run(Change[][] changes, int[] closing, int[] startOffsets)
    {
        // Each run has a programme and people of its own, so runs never see each other's rows.
        var run = Interlocked.Increment(ref _run);
        var programme = $"prop-{run}";
        var readModel = new ReadModel(_database.DataSource);
        var payroll = new PayrollStore(_database.DataSource);
        var lives = Enumerable.Range(0, People)
            .Select(n => new Life($"ben-prop{run}-{n}", First.AddMonths(startOffsets[n]), 1000.00m + n * 111.11m)).ToList();
        var closedMonths = new SortedSet<YearMonth>();
        var frozen = new Dictionary<YearMonth, string[]>();
        var version = 0;

        for (var i = 0; i < Months; i++)
        {
            var current = First.AddMonths(i);
            var now = ChinaTime.StartOf(current.FirstDay).AddHours(9);
            version++;
            for (var n = 0; n < People; n++)
            {
                var life = lives[n];
                var e = life.Entitlement;
                if (e.EndsWith is null)
                {
                    life.Entitlement = changes[n][i] switch
                    {
                        Change.Suspend when e.WithheldFrom is null => e with { WithheldFrom = current },
                        Change.Resume when e.WithheldFrom is not null => e with { WithheldFrom = null },
                        Change.Hold => e with { Held = true },
                        Change.Release => e with { Held = false },
                        // Confirmed now (which closes any case: no hold); the death happened in this month or up to three
                        // months earlier, not before enrolment.
                        Change.Die => e with { EndsWith = Max(e.StartMonth, current.AddMonths(-(n % 4))), Held = false },
                        Change.Raise => e with { MonthlyAmount = e.MonthlyAmount + 12.34m },
                        _ => e,
                    };
                }
                await Publish(readModel, life, programme, version, now);
            }

            // The current month as the SQL previews it equals the oracle, person by person.
            var settlement = SettlementMonth(current, closedMonths);
            var sheet = await payroll.LinesAsync(programme, current, current);
            Assert.False(sheet.Closed);
            Assert.Equal(Oracle(lives, current, settlement), Describe(sheet.Lines));

            // Close it (or leave it open), and sometimes also close the earliest month left open before it.
            var toClose = new List<YearMonth>();
            if (closing[i] >= 2 && closedMonths.Count > 0)
            {
                var earliestOpen = Enumerable.Range(0, i).Select(First.AddMonths).FirstOrDefault(m => !closedMonths.Contains(m), current);
                if (earliestOpen != current) toClose.Add(earliestOpen);
            }
            if (closing[i] >= 1) toClose.Add(current);
            foreach (var month in toClose)
            {
                var expected = Oracle(lives, month, SettlementMonth(current, closedMonths, asIfOpen: month));
                var closed = await payroll.CloseAsync(programme, month, now);
                Assert.True(closed.Closed);
                Assert.Equal(expected, Describe(closed.Lines));
                foreach (var life in lives)
                {
                    life.Closed.Add(new ClosedMonth(month, Payroll.LinesFor(life.Entitlement, month, life.Closed,
                        month == SettlementMonth(current, closedMonths, asIfOpen: month))));
                }
                closedMonths.Add(month);
                frozen[month] = Describe(closed.Lines);
                _kindsClosed.UnionWith(closed.Lines.Select(l => l.Kind));
                // Closing again changes nothing (idempotent).
                Assert.Equal(frozen[month], Describe((await payroll.CloseAsync(programme, month, now)).Lines));
            }
        }

        // Every closed month still reads exactly as it was frozen, after all the changes that came later.
        foreach (var (month, lines) in frozen)
        {
            var sheet = await payroll.LinesAsync(programme, month, First.AddMonths(Months));
            Assert.True(sheet.Closed);
            Assert.Equal(lines, Describe(sheet.Lines));
        }
    }

    private static async Task Publish(ReadModel readModel, Life life, string programme, int version, DateTimeOffset now)
    {
        var e = life.Entitlement;
        var status = e.EndsWith is not null ? "terminated" : e.Held ? "held" : e.WithheldFrom is not null ? "suspended" : "certified";
        await readModel.PublishAsync(
            new BeneficiarySnapshot(life.Key, "340102********0011", "340102", status, null, null, null, version,
                [new EnrolmentSnapshot(programme, status, new DateOnly(2030, 1, 1), e.WithheldFrom?.FirstDay, e.MonthlyAmount, e.StartMonth.FirstDay, e.EndsWith?.FirstDay, e.Held)],
                [], []),
            [], now);
    }

    /// <summary>Rule 14: the earliest month not before the current one whose payroll is open.</summary>
    private static YearMonth SettlementMonth(YearMonth current, SortedSet<YearMonth> closed, YearMonth? asIfOpen = null)
    {
        var month = current;
        while (closed.Contains(month) && month != asIfOpen) month = month.AddMonths(1);
        return month;
    }

    private static string[] Oracle(List<Life> lives, YearMonth month, YearMonth settlement) =>
    [
        .. lives.OrderBy(l => l.Key, StringComparer.Ordinal)
            .SelectMany(l => Payroll.LinesFor(l.Entitlement, month, l.Closed, month == settlement).Select(line => Describe(l.Key, line))),
    ];

    private static string[] Describe(IEnumerable<PayrollLineRow> rows) =>
    [
        .. rows.Select(r => Describe(r.PersonKey, new PayrollLine(Enum.Parse<PayrollLineKind>(r.Kind, ignoreCase: true), r.Amount,
            [.. r.Months.Select(YearMonth.Of)]))),
    ];

    private static string Describe(string key, PayrollLine line) =>
        $"{key} {line.Kind.ToString().ToLowerInvariant()} {line.Amount.ToString("0.00", CultureInfo.InvariantCulture)} [{string.Join(",", line.Months)}]";

    private static YearMonth Max(YearMonth a, YearMonth b) => a > b ? a : b;
}
