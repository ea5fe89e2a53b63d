namespace SilentCert.Domain.Tests;

// Proves rule 13 (confirmed): a confirmed death ends every programme's entitlement with the month of death, for good.
public sealed class TerminationTests
{
    private readonly CertificationRules _rules = Programmes.Rules();

    private Beneficiary EnrolledInTwoProgrammes() =>
        _rules.Enrol(Cst.Date(2026, 3, 15), programmes: [Programmes.Pension, Programmes.Dibao]);

    [Fact]
    public void Confirmed_death_terminates_every_programme_from_the_month_after_the_month_of_death()
    {
        var person = EnrolledInTwoProgrammes();

        var ended = _rules.Terminate(person, Cst.Date(2026, 5, 10), "case:7", Cst.At(2026, 7, 2, 10));

        Assert.Equal(
            [
                "terminated pension-employee deadline=2027-03-15 from=2026-06-01",
                "terminated dibao deadline=2027-03-15 from=2026-06-01",
            ],
            HistoryText.Added(person, ended));
        Assert.All(ended.History.Skip(person.History.Length), h => Assert.Equal(("case:7", "terminate-confirmed-death"), (h.Cause, h.Rule)));
        Assert.Equal(Cst.Date(2026, 5, 10), ended.DateOfDeath);
        Assert.Equal(new Entitlement(new YearMonth(2026, 3), 2_000.00m, EndsWith: new YearMonth(2026, 5)), ended.EntitlementOf(ended.Programme()));
        Assert.Equal(CertificationStatus.Terminated, _rules.StatusOf(ended, Cst.Date(2026, 7, 2)));
        Assert.Equal(CertificationStatus.Terminated, _rules.StatusOf(ended, ended.Programme(Programmes.Dibao), Cst.Date(2026, 7, 2)));
    }

    [Fact]
    public void A_terminated_person_is_never_warned_suspended_or_certified_again()
    {
        var ended = _rules.Terminate(EnrolledInTwoProgrammes(), Cst.Date(2026, 5, 10), "case:7", Cst.At(2026, 7, 2, 10));

        Assert.Null(_rules.NextActionAt(ended));
        // Past both warnings, the deadline and its month end: nothing happens.
        Assert.Empty(HistoryText.Added(ended, _rules.EvaluateAt(ended, Cst.Midnight(2027, 2, 13), Cst.Midnight(2027, 3, 16), Cst.Midnight(2027, 4, 1))));
        // Evidence observed after the death (a data error at its source) certifies nobody.
        var withEvidence = _rules.Apply(ended, [Evidence.Strong("f1", Cst.At(2026, 8, 1, 9))], Cst.At(2026, 8, 1, 10));
        StateJson.Equal(ended, withEvidence);
    }

    [Fact]
    public void Confirming_a_death_twice_changes_nothing()
    {
        var ended = _rules.Terminate(EnrolledInTwoProgrammes(), Cst.Date(2026, 5, 10), "case:7", Cst.At(2026, 7, 2, 10));

        var again = _rules.Terminate(ended, Cst.Date(2026, 6, 1), "case:8", Cst.At(2026, 7, 3, 10));

        StateJson.Equal(ended, again);
    }

    [Fact]
    public void A_suspended_person_who_died_keeps_the_suspension_start_for_the_estate_and_cancellation()
    {
        // Deadline 2027-03-15, warned, suspended from 2027-04-01; died 2027-05-20.
        var suspended = _rules.EvaluateAt(_rules.Enrol(Cst.Date(2026, 3, 15)),
            Cst.Midnight(2027, 2, 13), Cst.Midnight(2027, 3, 8), Cst.Midnight(2027, 3, 16), Cst.Midnight(2027, 4, 1));

        var ended = _rules.Terminate(suspended, Cst.Date(2027, 5, 20), "case:9", Cst.At(2027, 8, 2, 10));

        // April and May withheld up to the month of death (estate); June onwards cancelled.
        Assert.Equal(new Entitlement(new YearMonth(2026, 3), 2_000.00m, new YearMonth(2027, 4), new YearMonth(2027, 5)), ended.EntitlementOf(ended.Programme()));
    }

    [Fact]
    public void A_programme_added_after_a_confirmed_death_is_terminated_too()
    {
        var ended = _rules.Terminate(_rules.Enrol(Cst.Date(2026, 3, 15)), Cst.Date(2026, 5, 10), "case:7", Cst.At(2026, 7, 2, 10));

        var updated = _rules.Enrol(ended, People.Request(Cst.Date(2026, 7, 3), programmes: [Programmes.Pension, Programmes.Dibao]), Cst.At(2026, 7, 3, 10));

        Assert.Equal(new YearMonth(2026, 5), updated.EntitlementOf(updated.Programme(Programmes.Dibao)).EndsWith);
        Assert.Equal(CertificationStatus.Terminated, _rules.StatusOf(updated, Cst.Date(2026, 7, 3)));
    }
}
