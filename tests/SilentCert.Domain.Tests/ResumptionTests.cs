namespace SilentCert.Domain.Tests;

// Proves rule 10: evidence that moves a suspended person's deadline resumes payment and records the withheld episode.
public sealed class ResumptionTests
{
    private readonly CertificationRules _rules = Programmes.Rules();

    // Enrolled 2026-03-15, deadline 2027-03-15, warned on time, suspended from 2027-04-01.
    private Beneficiary SuspendedFrom1April2027()
    {
        var person = _rules.EvaluateAt(_rules.Enrol(Cst.Date(2026, 3, 15)),
            Cst.Midnight(2027, 2, 13), Cst.Midnight(2027, 3, 8), Cst.Midnight(2027, 3, 16), Cst.Midnight(2027, 4, 1));
        Assert.Equal(Cst.Date(2027, 4, 1), person.Programme().SuspendedFrom);
        return person;
    }

    [Fact]
    public void Evidence_for_a_suspended_person_resumes_with_back_pay_from_the_suspension_start()
    {
        var person = SuspendedFrom1April2027();

        var resumed = _rules.Apply(person, [Evidence.Strong("f1", Cst.At(2027, 4, 20, 9))], Cst.At(2027, 4, 20, 10));

        Assert.Equal(
            [
                "renewed pension-employee rule=strong-12m deadline=2028-04-20 cause=face-selfservice:f1",
                "resumed pension-employee rule=resume-back-pay deadline=2028-04-20 from=2027-04-01 cause=face-selfservice:f1",
            ],
            HistoryText.Added(person, resumed));
        var programme = resumed.Programme();
        Assert.Null(programme.SuspendedFrom);
        Assert.False(programme.OverdueRecorded);
        Assert.Equal([new SuspensionEpisode(Cst.Date(2027, 4, 1), Cst.Date(2027, 4, 20), "face-selfservice:f1")], programme.PastSuspensions.ToArray());
        Assert.Equal(CertificationStatus.Certified, _rules.StatusOf(resumed, Cst.Date(2027, 4, 20)));
        // 2028-04-20 - 30 days: 20 back to 2028-03-31, 10 more to 2028-03-21.
        Assert.Equal(Cst.Midnight(2028, 3, 21), _rules.NextActionAt(resumed));
    }

    [Fact]
    public void Late_evidence_observed_before_the_old_deadline_also_lifts_the_suspension()
    {
        var person = SuspendedFrom1April2027();

        // Observed 2027-03-10, before the 2027-03-15 deadline, but arriving 2027-05-10: the suspension should never have happened.
        var resumed = _rules.Apply(person, [Evidence.Strong("m1", Cst.At(2027, 3, 10, 9), "medical-visit")], Cst.At(2027, 5, 10, 10));

        Assert.Equal(
            [
                "renewed pension-employee rule=strong-12m deadline=2028-03-10 cause=medical-visit:m1",
                "resumed pension-employee rule=resume-back-pay deadline=2028-03-10 from=2027-04-01 cause=medical-visit:m1",
            ],
            HistoryText.Added(person, resumed));
        Assert.Null(resumed.Programme().SuspendedFrom);
        Assert.Equal([new SuspensionEpisode(Cst.Date(2027, 4, 1), Cst.Date(2027, 5, 10), "medical-visit:m1")], resumed.Programme().PastSuspensions.ToArray());
    }

    [Theory]
    [InlineData("bank-counter", Strength.Weak, 2026, 9, 10)] // + 6 = 2027-03-10, before 2027-03-15
    [InlineData("bank-counter", Strength.Weak, 2026, 9, 15)] // + 6 = 2027-03-15, the same deadline: not moved
    [InlineData("counter-visit", Strength.Strong, 2026, 3, 15)] // + 12 = 2027-03-15
    public void Evidence_that_does_not_move_the_deadline_leaves_the_suspension_in_place(string source, Strength strength, int y, int m, int d)
    {
        // A documented choice: only a later deadline shows the person was certified beyond the lapsed one.
        var person = SuspendedFrom1April2027();

        var after = _rules.Apply(person, [new Observation(source, "x1", Cst.At(y, m, d, 9), strength)], Cst.At(2027, 4, 20, 10));

        Assert.Empty(HistoryText.Added(person, after));
        Assert.Equal(Cst.Date(2027, 4, 1), after.Programme().SuspendedFrom);
        Assert.Empty(after.Programme().PastSuspensions);
        Assert.Equal(CertificationStatus.Suspended, _rules.StatusOf(after, Cst.Date(2027, 4, 20)));
    }

    [Fact]
    public void An_in_person_enrolment_update_resumes_a_suspended_person_rule_5()
    {
        var person = SuspendedFrom1April2027();

        var updated = _rules.Enrol(person, People.Request(Cst.Date(2027, 4, 15)), Cst.At(2027, 4, 15, 10));

        Assert.Equal(
            [
                "updated",
                "renewed pension-employee rule=strong-12m deadline=2028-04-15 cause=enrolment:2027-04-15",
                "resumed pension-employee rule=resume-back-pay deadline=2028-04-15 from=2027-04-01 cause=enrolment:2027-04-15",
            ],
            HistoryText.Added(person, updated));
        Assert.Null(updated.Programme().SuspendedFrom);
    }

    [Fact]
    public void Resumption_concerns_only_the_suspended_programme()
    {
        // Elderly allowance (cap 6): deadline 2026-09-15, suspended 2026-10-01; the pension (2027-03-15) runs on.
        var person = _rules.EvaluateAt(
            _rules.Enrol(Cst.Date(2026, 3, 15), programmes: [Programmes.Pension, Programmes.ElderlyAllowance]),
            Cst.Midnight(2026, 8, 16), Cst.Midnight(2026, 9, 8), Cst.Midnight(2026, 9, 16), Cst.Midnight(2026, 10, 1));

        var after = _rules.Apply(person, [Evidence.Strong("f1", Cst.At(2026, 10, 20, 9))], Cst.At(2026, 10, 20, 10));

        Assert.Equal(
            new[]
            {
                "renewed elderly-allowance rule=programme-cap-6m deadline=2027-04-20 cause=face-selfservice:f1",
                "renewed pension-employee rule=strong-12m deadline=2027-10-20 cause=face-selfservice:f1",
                "resumed elderly-allowance rule=resume-back-pay deadline=2027-04-20 from=2026-10-01 cause=face-selfservice:f1",
            },
            HistoryText.Added(person, after).Order(StringComparer.Ordinal));
        Assert.Empty(after.Programme(Programmes.Pension).PastSuspensions);
        Assert.Single(after.Programme(Programmes.ElderlyAllowance).PastSuspensions);
    }

    [Fact]
    public void A_resumed_person_whose_new_deadline_has_passed_is_warned_afresh_and_suspended_again_later()
    {
        var person = SuspendedFrom1April2027();

        // Weak evidence of 2026-10-01 arrives 2027-06-01: + 6 = 2027-04-01, later than 2027-03-15 but already past.
        var after = _rules.Apply(person, [Evidence.Weak("b1", Cst.At(2026, 10, 1, 9))], Cst.At(2027, 6, 1, 10));

        Assert.Equal(
            [
                "renewed pension-employee rule=weak-6m deadline=2027-04-01 cause=bank-counter:b1",
                "resumed pension-employee rule=resume-back-pay deadline=2027-04-01 from=2027-04-01 cause=bank-counter:b1",
                "warned pension-employee deadline=2027-04-01 days=7",
                "overdue pension-employee deadline=2027-04-01",
            ],
            HistoryText.Added(person, after));
        Assert.Null(after.Programme().SuspendedFrom);
        // First warned 2027-06-01: May (2027-05-01 - 7 = 2027-04-24) and June (2027-05-25) are too soon; July it is.
        Assert.Equal(Cst.Midnight(2027, 7, 1), _rules.NextActionAt(after));

        var again = _rules.Evaluate(after, Cst.Midnight(2027, 7, 1));
        Assert.Equal(["suspended pension-employee deadline=2027-04-01 from=2027-07-01"], HistoryText.Added(after, again));
    }

    [Fact]
    public void Each_suspension_ended_by_evidence_is_kept_as_its_own_episode()
    {
        var person = _rules.Apply(SuspendedFrom1April2027(), [Evidence.Strong("f1", Cst.At(2027, 4, 20, 9))], Cst.At(2027, 4, 20, 10));

        // Deadline 2028-04-20: warnings 2028-03-21 and 2028-04-13, overdue 2028-04-21, suspended 2028-05-01.
        person = _rules.EvaluateAt(person, Cst.Midnight(2028, 3, 21), Cst.Midnight(2028, 4, 13), Cst.Midnight(2028, 4, 21), Cst.Midnight(2028, 5, 1));
        Assert.Equal(Cst.Date(2028, 5, 1), person.Programme().SuspendedFrom);

        person = _rules.Apply(person, [Evidence.Strong("d1", Cst.At(2028, 6, 3, 9), "door-to-door")], Cst.At(2028, 6, 3, 15));

        Assert.Equal(
            [
                new SuspensionEpisode(Cst.Date(2027, 4, 1), Cst.Date(2027, 4, 20), "face-selfservice:f1"),
                new SuspensionEpisode(Cst.Date(2028, 5, 1), Cst.Date(2028, 6, 3), "door-to-door:d1"),
            ],
            person.Programme().PastSuspensions.ToArray());
    }
}
