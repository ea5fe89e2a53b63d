using System.Collections.Immutable;
using CsCheck;
using SilentCert.Domain;

namespace SilentCert.Domain.Tests;

// Rule 14 (with rules 10 and 13): the lines of an open month for one enrolment, given its entitlement now and what its
// closed months froze; back-pay, estate and recovery are counted against closed months and appear in the settlement month.
public sealed class PayrollTests
{
    private static YearMonth M(int year, int month) => new(year, month);

    private static ClosedMonth Closed(YearMonth month, params PayrollLine[] lines) => new(month, [.. lines]);

    private static PayrollLine Line(PayrollLineKind kind, decimal amount, params YearMonth[] months) => new(kind, amount, [.. months]);

    private static string[] Describe(IEnumerable<PayrollLine> lines) =>
        [.. lines.Select(l => $"{l.Kind.ToString().ToLowerInvariant()} {l.Amount:0.00} [{string.Join(",", l.Months)}]")];

    [Fact]
    public void A_payable_month_has_one_regular_line_and_nothing_before_the_start_month()
    {
        var entitlement = new Entitlement(M(2026, 3), 3200.00m);

        Assert.Equal(["regular 3200.00 [2026-03]"], Describe(Payroll.LinesFor(entitlement, M(2026, 3), [], true)));
        Assert.Empty(Payroll.LinesFor(entitlement, M(2026, 2), [], true));
    }

    [Fact]
    public void Withheld_then_resumed_within_the_same_open_month_is_simply_regular()
    {
        // Suspended from 2026-06-01, certified again on 2026-06-20 while June is still open: June reflects the state now.
        var whileSuspended = new Entitlement(M(2026, 1), 3200.00m, WithheldFrom: M(2026, 6));
        var resumed = whileSuspended with { WithheldFrom = null };

        Assert.Equal(["withheld 3200.00 [2026-06]"], Describe(Payroll.LinesFor(whileSuspended, M(2026, 6), [], true)));
        Assert.Equal(["regular 3200.00 [2026-06]"], Describe(Payroll.LinesFor(resumed, M(2026, 6), [], true)));
    }

    [Fact]
    public void Late_evidence_after_two_closed_withheld_months_pays_both_as_arrears_in_the_settlement_month()
    {
        // Rule 10: April and May closed as withheld; certified again in June: June regular, April + May = 6,400.00 back-pay.
        var closed = new[]
        {
            Closed(M(2026, 4), Line(PayrollLineKind.Withheld, 3200.00m, M(2026, 4))),
            Closed(M(2026, 5), Line(PayrollLineKind.Withheld, 3200.00m, M(2026, 5))),
        };
        var resumed = new Entitlement(M(2026, 1), 3200.00m);

        Assert.Equal(["regular 3200.00 [2026-06]", "arrears 6400.00 [2026-04,2026-05]"],
            Describe(Payroll.LinesFor(resumed, M(2026, 6), closed, isSettlementMonth: true)));
        // A later open month is not where settlement happens: only its own line.
        Assert.Equal(["regular 3200.00 [2026-07]"], Describe(Payroll.LinesFor(resumed, M(2026, 7), closed, isSettlementMonth: false)));
    }

    [Fact]
    public void Arrears_already_paid_by_a_closed_month_are_never_paid_again()
    {
        var closed = new[]
        {
            Closed(M(2026, 4), Line(PayrollLineKind.Withheld, 3200.00m, M(2026, 4))),
            Closed(M(2026, 5), Line(PayrollLineKind.Regular, 3200.00m, M(2026, 5)), Line(PayrollLineKind.Arrears, 3200.00m, M(2026, 4))),
        };

        Assert.Equal(["regular 3200.00 [2026-06]"], Describe(Payroll.LinesFor(new Entitlement(M(2026, 1), 3200.00m), M(2026, 6), closed, true)));
    }

    [Fact]
    public void Back_pay_is_the_amount_the_closed_month_withheld_not_todays_amount()
    {
        // April withheld 3,000.00; the amount has since risen to 3,200.00.
        var closed = new[] { Closed(M(2026, 4), Line(PayrollLineKind.Withheld, 3000.00m, M(2026, 4))) };

        Assert.Equal(["regular 3200.00 [2026-05]", "arrears 3000.00 [2026-04]"],
            Describe(Payroll.LinesFor(new Entitlement(M(2026, 1), 3200.00m), M(2026, 5), closed, true)));
    }

    [Fact]
    public void A_confirmed_death_ends_entitlement_with_its_month_recovers_later_payments_and_owes_withheld_months_to_the_estate()
    {
        // Rule 13: death on 2026-05-10. March withheld (held), April and May withheld, June and July paid, August withheld.
        // Estate: March-May = 3 × 2,000.00; recovery: June + July = 4,000.00; August cancelled (no line); September: nothing.
        var closed = new[]
        {
            Closed(M(2026, 3), Line(PayrollLineKind.Withheld, 2000.00m, M(2026, 3))),
            Closed(M(2026, 4), Line(PayrollLineKind.Withheld, 2000.00m, M(2026, 4))),
            Closed(M(2026, 5), Line(PayrollLineKind.Withheld, 2000.00m, M(2026, 5))),
            Closed(M(2026, 6), Line(PayrollLineKind.Regular, 2000.00m, M(2026, 6))),
            Closed(M(2026, 7), Line(PayrollLineKind.Regular, 2000.00m, M(2026, 7))),
            Closed(M(2026, 8), Line(PayrollLineKind.Withheld, 2000.00m, M(2026, 8))),
        };
        var ended = new Entitlement(M(2026, 1), 2000.00m, EndsWith: M(2026, 5));

        Assert.Equal(["estate 6000.00 [2026-03,2026-04,2026-05]", "recovery 4000.00 [2026-06,2026-07]"],
            Describe(Payroll.LinesFor(ended, M(2026, 9), closed, true)));
        // Once a closed month holds them, they are not repeated.
        var settled = closed.Append(Closed(M(2026, 9),
            Line(PayrollLineKind.Estate, 6000.00m, M(2026, 3), M(2026, 4), M(2026, 5)),
            Line(PayrollLineKind.Recovery, 4000.00m, M(2026, 6), M(2026, 7)))).ToArray();
        Assert.Empty(Payroll.LinesFor(ended, M(2026, 10), settled, true));
    }

    [Fact]
    public void A_month_paid_by_arrears_after_the_death_month_is_recovered_too()
    {
        // June withheld, paid as arrears in July, then death confirmed for May: June is recovered (2,000.00), July too.
        var closed = new[]
        {
            Closed(M(2026, 6), Line(PayrollLineKind.Withheld, 2000.00m, M(2026, 6))),
            Closed(M(2026, 7), Line(PayrollLineKind.Regular, 2000.00m, M(2026, 7)), Line(PayrollLineKind.Arrears, 2000.00m, M(2026, 6))),
        };

        Assert.Equal(["recovery 4000.00 [2026-06,2026-07]"],
            Describe(Payroll.LinesFor(new Entitlement(M(2026, 1), 2000.00m, EndsWith: M(2026, 5)), M(2026, 8), closed, true)));
    }

    /// <summary>
    /// A life month by month: each month the entitlement may change (suspended, resumed), then the month is closed with
    /// the lines computed for it as the settlement month. Laws: each month is paid at most once across regular and
    /// arrears; once the person is certified again and one more month settles, every entitled month is paid exactly once.
    /// </summary>
    [Fact]
    public void Over_a_life_each_month_is_paid_exactly_once_once_everything_is_settled()
    {
        var start = M(2026, 1);
        Gen.Bool.Array[24].Sample(withheldByMonth =>
        {
            var closed = new List<ClosedMonth>();
            for (var i = 0; i < withheldByMonth.Length; i++)
            {
                var month = start.AddMonths(i);
                // The run of withheld months up to now, as one ongoing suspension from its first month.
                var from = i;
                while (from > 0 && withheldByMonth[from - 1] && withheldByMonth[i]) from--;
                var entitlement = new Entitlement(start, 100.00m, WithheldFrom: withheldByMonth[i] ? start.AddMonths(from) : null);
                closed.Add(new ClosedMonth(month, Payroll.LinesFor(entitlement, month, closed, true)));
            }
            var last = start.AddMonths(withheldByMonth.Length);
            closed.Add(new ClosedMonth(last, Payroll.LinesFor(new Entitlement(start, 100.00m), last, closed, true)));

            var paid = closed.SelectMany(c => c.Lines)
                .Where(l => l.Kind is PayrollLineKind.Regular or PayrollLineKind.Arrears)
                .SelectMany(l => l.Months).ToList();
            Assert.Equal(paid.Count, paid.Distinct().Count());
            Assert.Equal(Enumerable.Range(0, withheldByMonth.Length + 1).Select(start.AddMonths), paid.Order());
            var total = closed.SelectMany(c => c.Lines).Where(l => l.Kind is PayrollLineKind.Regular or PayrollLineKind.Arrears).Sum(l => l.Amount);
            Assert.Equal(100.00m * (withheldByMonth.Length + 1), total);
        }, iter: 400);
    }

    /// <summary>
    /// A life that ends: months withheld at random, a death in a random month, confirmed in the same or a later month;
    /// every month is closed as the settlement month, and one more after the confirmation. Laws (rules 13, 14): every month
    /// up to the month of death ends paid once or owed once to the estate; every later month ends cancelled (withheld and
    /// never paid) or paid and recovered once; the net money equals the entitlement to the fen.
    /// </summary>
    [Fact]
    public void Over_a_life_ending_in_death_every_month_ends_paid_owed_to_the_estate_or_cancelled()
    {
        var start = M(2026, 1);
        const decimal amount = 1234.56m;
        var life = Gen.Select(Gen.Bool.Array[24], Gen.Int[0, 23], Gen.Int[0, 23]);
        life.Sample((withheldByMonth, death, confirmedAfter) =>
        {
            var confirmed = Math.Max(death, confirmedAfter);
            var diedIn = start.AddMonths(death);
            var closed = new List<ClosedMonth>();
            for (var i = 0; i <= withheldByMonth.Length; i++)
            {
                var month = start.AddMonths(i);
                var withheld = i < withheldByMonth.Length && withheldByMonth[i];
                var from = i;
                while (withheld && from > 0 && withheldByMonth[from - 1]) from--;
                var entitlement = new Entitlement(start, amount, withheld ? start.AddMonths(from) : null, i >= confirmed ? diedIn : null);
                closed.Add(new ClosedMonth(month, Payroll.LinesFor(entitlement, month, closed, true)));
            }

            var lines = closed.SelectMany(c => c.Lines).ToList();
            int Count(PayrollLineKind kind, YearMonth month) => lines.Count(l => l.Kind == kind && l.Months.Contains(month));
            for (var i = 0; i <= withheldByMonth.Length; i++)
            {
                var month = start.AddMonths(i);
                var paid = Count(PayrollLineKind.Regular, month) + Count(PayrollLineKind.Arrears, month);
                var (estate, recovered) = (Count(PayrollLineKind.Estate, month), Count(PayrollLineKind.Recovery, month));
                if (i <= death)
                {
                    Assert.True((paid, estate, recovered) is (1, 0, 0) or (0, 1, 0), $"{month}: paid {paid}, estate {estate}, recovered {recovered}");
                }
                else
                {
                    Assert.True((paid, estate, recovered) is (0, 0, 0) or (1, 0, 1), $"{month}: paid {paid}, estate {estate}, recovered {recovered}");
                }
            }
            decimal Sum(PayrollLineKind kind) => lines.Where(l => l.Kind == kind).Sum(l => l.Amount);
            var net = Sum(PayrollLineKind.Regular) + Sum(PayrollLineKind.Arrears) + Sum(PayrollLineKind.Estate) - Sum(PayrollLineKind.Recovery);
            Assert.Equal(amount * (death + 1), net);
        }, iter: 400);
    }
}
