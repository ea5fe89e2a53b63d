using System.Collections.Immutable;

namespace SilentCert.Domain;

public enum PayrollLineKind
{
    /// <summary>This month's benefit, paid.</summary>
    Regular,
    /// <summary>This month's benefit, held back (suspension or hold): owed, not lost.</summary>
    Withheld,
    /// <summary>Back-pay for months a closed payroll withheld that are payable after all (rule 10).</summary>
    Arrears,
    /// <summary>Months withheld up to the month of death, owed to the estate (rule 13).</summary>
    Estate,
    /// <summary>Months paid after entitlement ended, to recover (追回, rule 13).</summary>
    Recovery,
}

/// <summary>
/// One line of one enrolment in one month's payroll. <see cref="Amount"/> is positive in yuan; the kind gives the
/// direction. <see cref="Months"/> lists, in ascending order, the months the line is for (one for regular and withheld).
/// </summary>
public sealed record PayrollLine(PayrollLineKind Kind, decimal Amount, ImmutableArray<YearMonth> Months)
{
    public static PayrollLine For(PayrollLineKind kind, IEnumerable<(YearMonth Month, decimal Amount)> months)
    {
        var ordered = months.OrderBy(m => m.Month).ToList();
        return new PayrollLine(kind, ordered.Sum(m => m.Amount), [.. ordered.Select(m => m.Month)]);
    }
}

/// <summary>What a closed month's payroll holds for one enrolment: frozen forever (rule 14).</summary>
public sealed record ClosedMonth(YearMonth Month, ImmutableArray<PayrollLine> Lines);

/// <summary>
/// What an enrolment is owed month by month, as the certification state says now: payable from its start month,
/// withheld from an ongoing suspension, withheld in every month while <see cref="Held"/> by an open case (rule 12: from
/// the first open month, since closed months never change), and nothing after entitlement ended (the month of a
/// confirmed death).
/// </summary>
public sealed record Entitlement(YearMonth StartMonth, decimal MonthlyAmount, YearMonth? WithheldFrom = null, YearMonth? EndsWith = null, bool Held = false)
{
    public MonthStanding StandingIn(YearMonth month) =>
        month < StartMonth || (EndsWith is { } last && month > last) ? MonthStanding.NotEntitled
        : Held || (WithheldFrom is { } from && month >= from) ? MonthStanding.Withheld
        : MonthStanding.Payable;
}

public enum MonthStanding
{
    NotEntitled,
    Payable,
    Withheld,
}

/// <summary>
/// Rule 14 for one enrolment: the lines of an open month, given the enrolment's entitlement now and everything its closed
/// months froze. Money owed or overpaid is counted against closed months only and appears in the settlement month (the
/// earliest open month not before the current month); open months simply reflect the current state.
/// </summary>
public static class Payroll
{
    public static ImmutableArray<PayrollLine> LinesFor(Entitlement entitlement, YearMonth month, IReadOnlyCollection<ClosedMonth> closed, bool isSettlementMonth)
    {
        var lines = ImmutableArray.CreateBuilder<PayrollLine>();
        switch (entitlement.StandingIn(month))
        {
            case MonthStanding.Payable:
                lines.Add(PayrollLine.For(PayrollLineKind.Regular, [(month, entitlement.MonthlyAmount)]));
                break;
            case MonthStanding.Withheld:
                lines.Add(PayrollLine.For(PayrollLineKind.Withheld, [(month, entitlement.MonthlyAmount)]));
                break;
        }
        if (!isSettlementMonth)
        {
            return lines.ToImmutable();
        }
        var ledger = Ledger.Of(closed);
        // Withheld by a closed payroll and not settled since: payable now → arrears; after death, up to its month → estate.
        var owed = ledger.Withheld.Where(w => !ledger.Settled.Contains(w.Month)).ToList();
        var arrears = owed.Where(w => entitlement.StandingIn(w.Month) == MonthStanding.Payable && entitlement.EndsWith is null).ToList();
        var estate = owed.Where(w => entitlement.EndsWith is { } last && w.Month <= last).ToList();
        // Paid by a closed payroll for a month after entitlement ended, and not recovered yet.
        var recovery = ledger.Paid.Where(p => entitlement.EndsWith is { } last && p.Month > last && !ledger.Recovered.Contains(p.Month)).ToList();
        if (arrears.Count > 0) lines.Add(PayrollLine.For(PayrollLineKind.Arrears, arrears));
        if (estate.Count > 0) lines.Add(PayrollLine.For(PayrollLineKind.Estate, estate));
        if (recovery.Count > 0) lines.Add(PayrollLine.For(PayrollLineKind.Recovery, recovery));
        return lines.ToImmutable();
    }

    /// <summary>What the closed months, taken together, have paid, withheld, settled and recovered, month by month.</summary>
    private sealed record Ledger(
        List<(YearMonth Month, decimal Amount)> Paid,
        List<(YearMonth Month, decimal Amount)> Withheld,
        HashSet<YearMonth> Settled,
        HashSet<YearMonth> Recovered)
    {
        public static Ledger Of(IEnumerable<ClosedMonth> closed)
        {
            var withheld = new List<(YearMonth, decimal)>();
            var regular = new List<(YearMonth, decimal)>();
            var settled = new HashSet<YearMonth>();
            var recovered = new HashSet<YearMonth>();
            var amounts = new Dictionary<YearMonth, decimal>();
            foreach (var month in closed)
            {
                foreach (var line in month.Lines)
                {
                    switch (line.Kind)
                    {
                        case PayrollLineKind.Regular:
                            regular.Add((month.Month, line.Amount));
                            break;
                        case PayrollLineKind.Withheld:
                            withheld.Add((month.Month, line.Amount));
                            amounts[month.Month] = line.Amount;
                            break;
                        case PayrollLineKind.Arrears or PayrollLineKind.Estate:
                            settled.UnionWith(line.Months);
                            break;
                        case PayrollLineKind.Recovery:
                            recovered.UnionWith(line.Months);
                            break;
                    }
                }
            }
            // A month is paid by its regular line or, later, by the arrears line that settled it (at its withheld amount).
            var arrearsPaid = closed.SelectMany(c => c.Lines).Where(l => l.Kind == PayrollLineKind.Arrears)
                .SelectMany(l => l.Months).Select(m => (m, amounts[m]));
            return new Ledger([.. regular, .. arrearsPaid], withheld, settled, recovered);
        }
    }
}
