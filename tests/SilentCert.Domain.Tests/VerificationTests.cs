namespace SilentCert.Domain.Tests;

// Proves rules 11-13 for one person: negative records open a case (never a termination), hold payments unless strong
// evidence came after the reported death (conflicting), join one case per death, and are decided once by a reviewer.
public sealed class VerificationTests
{
    private readonly CertificationRules _rules = Programmes.Rules();

    private static DeathReport Death(string recordId, DateTimeOffset observedAt, DateOnly reported, string source = "death-health", string caseId = "case-1") =>
        new(caseId, source, recordId, observedAt, reported);

    /// <summary>Enrolled 2026-03-15 (strong evidence that day), 2,000.00 a month in pension and dibao.</summary>
    private Beneficiary Enrolled() => _rules.Enrol(Cst.Date(2026, 3, 15), programmes: [Programmes.Pension, Programmes.Dibao]);

    private Beneficiary HeldSince1July() =>
        _rules.Report(Enrolled(), [Death("H-9", Cst.At(2026, 7, 1, 9), Cst.Date(2026, 6, 28))], Cst.At(2026, 7, 1, 10));

    [Fact]
    public void A_death_record_opens_a_case_and_holds_every_programme_but_terminates_nothing()
    {
        var person = Enrolled();

        var held = _rules.Report(person, [Death("H-9", Cst.At(2026, 7, 1, 9), Cst.Date(2026, 6, 28))], Cst.At(2026, 7, 1, 10));

        Assert.Equal(["case-opened", "held"], HistoryText.Added(person, held));
        Assert.Equal(("death-health:H-9", "case-negative-evidence"), (held.History[^2].Cause, held.History[^2].Rule));
        Assert.Equal("hold-open-case", held.History[^1].Rule);
        var open = Assert.Single(held.Cases);
        Assert.Equal(("case-1", Cst.Date(2026, 6, 28), Cst.At(2026, 7, 1, 10), true), (open.CaseId, open.ReportedDeathDate, open.OpenedAt, open.IsOpen));
        Assert.Equal([new CaseRecord("death-health", "H-9")], open.Records.ToArray());
        Assert.Null(held.DateOfDeath);
        Assert.Equal(CertificationStatus.Held, _rules.StatusOf(held, Cst.Date(2026, 7, 1)));
        Assert.All(held.Programmes, p => Assert.Equal(CertificationStatus.Held, _rules.StatusOf(held, p, Cst.Date(2026, 7, 1))));
        // Rule 12: withheld (not lost) in every open month; the deadlines are untouched.
        Assert.Equal(new Entitlement(new YearMonth(2026, 3), 2_000.00m, Held: true), held.EntitlementOf(held.Programme()));
        Assert.Equal(MonthStanding.Withheld, held.EntitlementOf(held.Programme()).StandingIn(new YearMonth(2026, 7)));
        Assert.Equal(Cst.Date(2027, 3, 15), held.Programme().Deadline);
    }

    [Fact]
    public void Strong_evidence_observed_after_the_reported_death_makes_the_case_conflicting_and_payments_carry_on()
    {
        // Real-name travel on 2026-07-02, after the reported death on 2026-06-28.
        var travelled = _rules.Apply(Enrolled(), [Evidence.Strong("T-1", Cst.At(2026, 7, 2, 8), "travel-realname")], Cst.At(2026, 7, 3, 9));

        var reported = _rules.Report(travelled, [Death("H-9", Cst.At(2026, 7, 3, 9), Cst.Date(2026, 6, 28))], Cst.At(2026, 7, 3, 10));

        Assert.Equal(["case-opened", "conflicting"], HistoryText.Added(travelled, reported));
        Assert.Equal(("travel-realname:T-1", "conflict-strong-evidence-after-death"), (reported.History[^1].Cause, reported.History[^1].Rule));
        Assert.True(reported.IsConflicting);
        Assert.False(reported.IsHeld);
        Assert.Equal(CertificationStatus.Certified, _rules.StatusOf(reported, Cst.Date(2026, 7, 3)));
        Assert.Equal(MonthStanding.Payable, reported.EntitlementOf(reported.Programme()).StandingIn(new YearMonth(2026, 7)));
    }

    [Fact]
    public void Strong_evidence_observed_only_up_to_the_reported_death_date_does_not_release_the_hold()
    {
        // A medical visit on the reported day of death itself is not after it.
        var held = _rules.Apply(HeldSince1July(), [Evidence.Strong("M-1", Cst.At(2026, 6, 28, 8), "medical-visit")], Cst.At(2026, 7, 2, 10));

        Assert.True(held.IsHeld);
        Assert.DoesNotContain("conflicting", HistoryText.All(held));
    }

    [Fact]
    public void Strong_evidence_after_the_reported_death_arriving_while_held_releases_payments_as_conflicting()
    {
        var held = HeldSince1July();

        var after = _rules.Apply(held, [Evidence.Strong("F-1", Cst.At(2026, 7, 5, 9))], Cst.At(2026, 7, 5, 10));

        Assert.Equal(["renewed pension-employee rule=strong-12m deadline=2027-07-05 cause=face-selfservice:F-1",
            "renewed dibao rule=strong-12m deadline=2027-07-05 cause=face-selfservice:F-1", "conflicting"], HistoryText.Added(held, after));
        Assert.True(after.IsConflicting);
        Assert.Equal(CertificationStatus.Certified, _rules.StatusOf(after, Cst.Date(2026, 7, 5)));
    }

    [Fact]
    public void Further_death_records_join_the_open_case_and_a_record_seen_before_changes_nothing()
    {
        var held = HeldSince1July();

        var joined = _rules.Report(held, [Death("C-3", Cst.At(2026, 7, 4, 9), Cst.Date(2026, 6, 27), "death-civil-affairs", "case-2")], Cst.At(2026, 7, 4, 10));
        var again = _rules.Report(joined, [Death("H-9", Cst.At(2026, 7, 1, 9), Cst.Date(2026, 6, 28), caseId: "case-3")], Cst.At(2026, 7, 5, 10));

        Assert.Equal(["case-joined"], HistoryText.Added(held, joined));
        var open = Assert.Single(joined.Cases);
        Assert.Equal(("case-1", new DateOnly(2026, 6, 28)), (open.CaseId, open.ReportedDeathDate));
        Assert.Equal([new CaseRecord("death-health", "H-9"), new CaseRecord("death-civil-affairs", "C-3")], open.Records.ToArray());
        StateJson.Equal(joined, again);
    }

    [Fact]
    public void Refuting_releases_the_hold_so_held_months_are_owed_again()
    {
        var held = HeldSince1July();

        var (refuted, result) = _rules.Decide(held, new CaseDecision("case-1", CaseOutcome.Refuted, null, "seen at the clinic", "reviewer-7"), Cst.At(2026, 9, 2, 10));

        Assert.Equal(CaseDecisionResult.Decided, result);
        Assert.Equal(["refuted", "released"], HistoryText.Added(held, refuted));
        Assert.Equal(("reviewer:reviewer-7", "refute-data-error"), (refuted.History[^2].Cause, refuted.History[^2].Rule));
        Assert.Equal("release-back-pay", refuted.History[^1].Rule);
        var decided = Assert.Single(refuted.Cases);
        Assert.Equal((CaseOutcome.Refuted, "reviewer-7", Cst.At(2026, 9, 2, 10), "seen at the clinic", (DateOnly?)null),
            (decided.Outcome!.Value, decided.DecidedBy, decided.DecidedAt!.Value, decided.Note, decided.ConfirmedDeathDate));
        Assert.False(refuted.IsHeld);
        Assert.Equal(CertificationStatus.Certified, _rules.StatusOf(refuted, Cst.Date(2026, 9, 2)));
        // July and August, withheld by closed payrolls while held, are payable again: back-pay in the settlement month.
        var closed = new[]
        {
            new ClosedMonth(new YearMonth(2026, 7), [new PayrollLine(PayrollLineKind.Withheld, 2_000.00m, [new YearMonth(2026, 7)])]),
            new ClosedMonth(new YearMonth(2026, 8), [new PayrollLine(PayrollLineKind.Withheld, 2_000.00m, [new YearMonth(2026, 8)])]),
        };
        Assert.Equal(
            [new PayrollLine(PayrollLineKind.Regular, 2_000.00m, [new YearMonth(2026, 9)]), new PayrollLine(PayrollLineKind.Arrears, 4_000.00m, [new YearMonth(2026, 7), new YearMonth(2026, 8)])],
            Payroll.LinesFor(refuted.EntitlementOf(refuted.Programme()), new YearMonth(2026, 9), closed, true), PayrollLineComparer.Instance);
    }

    [Fact]
    public void Confirming_terminates_with_the_month_of_death_and_owes_held_months_up_to_it_to_the_estate()
    {
        var held = HeldSince1July();

        var (confirmed, result) = _rules.Decide(held, new CaseDecision("case-1", CaseOutcome.Confirmed, Cst.Date(2026, 7, 20), null, "reviewer-7"), Cst.At(2026, 9, 2, 10));

        Assert.Equal(CaseDecisionResult.Decided, result);
        Assert.Equal(["confirmed from=2026-07-20", "terminated pension-employee deadline=2027-03-15 from=2026-08-01", "terminated dibao deadline=2027-03-15 from=2026-08-01"],
            HistoryText.Added(held, confirmed));
        Assert.Equal(Cst.Date(2026, 7, 20), Assert.Single(confirmed.Cases).ConfirmedDeathDate);
        Assert.Equal(CertificationStatus.Terminated, _rules.StatusOf(confirmed, Cst.Date(2026, 9, 2)));
        // July (withheld while held) is owed to the estate; August, withheld after the month of death, is cancelled.
        var closed = new[]
        {
            new ClosedMonth(new YearMonth(2026, 7), [new PayrollLine(PayrollLineKind.Withheld, 2_000.00m, [new YearMonth(2026, 7)])]),
            new ClosedMonth(new YearMonth(2026, 8), [new PayrollLine(PayrollLineKind.Withheld, 2_000.00m, [new YearMonth(2026, 8)])]),
        };
        Assert.Equal([new PayrollLine(PayrollLineKind.Estate, 2_000.00m, [new YearMonth(2026, 7)])],
            Payroll.LinesFor(confirmed.EntitlementOf(confirmed.Programme()), new YearMonth(2026, 9), closed, true), PayrollLineComparer.Instance);
    }

    [Theory]
    [InlineData("case-404", CaseOutcome.Refuted, null, CaseDecisionResult.UnknownCase)]
    [InlineData("case-1", CaseOutcome.Confirmed, null, CaseDecisionResult.DateOfDeathRequired)]
    [InlineData("case-1", CaseOutcome.Confirmed, "2026-09-03", CaseDecisionResult.DateOfDeathInFuture)] // decided 2026-09-02
    [InlineData("case-1", CaseOutcome.Confirmed, "1960-05-09", CaseDecisionResult.DateOfDeathBeforeBirth)] // born 1960-05-10
    public void A_decision_that_cannot_stand_changes_nothing(string caseId, CaseOutcome outcome, string? dateOfDeath, CaseDecisionResult expected)
    {
        var held = HeldSince1July();
        DateOnly? died = dateOfDeath is null ? null : DateOnly.Parse(dateOfDeath, System.Globalization.CultureInfo.InvariantCulture);

        var (after, result) = _rules.Decide(held, new CaseDecision(caseId, outcome, died, null, "reviewer-7"), Cst.At(2026, 9, 2, 10));

        Assert.Equal(expected, result);
        StateJson.Equal(held, after);
    }

    [Fact]
    public void A_decided_case_cannot_be_decided_again_and_a_new_record_opens_a_new_case()
    {
        var (refuted, _) = _rules.Decide(HeldSince1July(), new CaseDecision("case-1", CaseOutcome.Refuted, null, null, "reviewer-7"), Cst.At(2026, 9, 2, 10));

        var (again, result) = _rules.Decide(refuted, new CaseDecision("case-1", CaseOutcome.Confirmed, Cst.Date(2026, 6, 28), null, "reviewer-8"), Cst.At(2026, 9, 3, 10));
        var reopened = _rules.Report(refuted, [Death("P-1", Cst.At(2026, 9, 4, 9), Cst.Date(2026, 9, 1), "deregistration-police", "case-2")], Cst.At(2026, 9, 4, 10));

        Assert.Equal(CaseDecisionResult.AlreadyDecided, result);
        StateJson.Equal(refuted, again);
        Assert.Equal(["case-opened", "held"], HistoryText.Added(refuted, reopened));
        Assert.Equal("case-2", reopened.OpenCase!.CaseId);
    }

    [Fact]
    public void After_a_confirmed_death_further_death_records_change_nothing()
    {
        var (confirmed, _) = _rules.Decide(HeldSince1July(), new CaseDecision("case-1", CaseOutcome.Confirmed, Cst.Date(2026, 6, 28), null, "reviewer-7"), Cst.At(2026, 9, 2, 10));

        var after = _rules.Report(confirmed, [Death("P-1", Cst.At(2026, 9, 4, 9), Cst.Date(2026, 6, 28), "deregistration-police", "case-2")], Cst.At(2026, 9, 4, 10));

        StateJson.Equal(confirmed, after);
    }
}

/// <summary>Payroll lines compared by value (their month lists are immutable arrays, equal by reference otherwise).</summary>
internal sealed class PayrollLineComparer : IEqualityComparer<PayrollLine>
{
    public static readonly PayrollLineComparer Instance = new();

    public bool Equals(PayrollLine? x, PayrollLine? y) =>
        x is not null && y is not null && x.Kind == y.Kind && x.Amount == y.Amount && x.Months.SequenceEqual(y.Months);

    public int GetHashCode(PayrollLine obj) => HashCode.Combine(obj.Kind, obj.Amount);
}
