namespace SilentCert.Domain.Tests;

// Proves rule 8: one warning 30 and one 7 days before each deadline, at once when a deadline is already near, and afresh when it moves.
public sealed class WarningTests
{
    private readonly CertificationRules _rules = Programmes.Rules();

    // Enrolled 2026-03-15: deadline 2027-03-15.
    // 30 days before: 15 days back to 2027-02-28, 15 more to 2027-02-13. 7 days before: 2027-03-08.
    private Beneficiary EnrolledOn15March2026() => _rules.Enrol(Cst.Date(2026, 3, 15));

    [Fact]
    public void Warns_30_days_before_the_deadline_from_local_midnight()
    {
        var person = EnrolledOn15March2026();

        // 2027-02-12T16:00Z is 2027-02-13 00:00 in China.
        var warned = _rules.Evaluate(person, new DateTimeOffset(2027, 2, 12, 16, 0, 0, TimeSpan.Zero));

        Assert.Equal(["warned pension-employee deadline=2027-03-15 days=30"], HistoryText.Added(person, warned));
        Assert.Equal([30], warned.Programme().WarnedDaysBefore.ToArray());
        Assert.Equal(Cst.Date(2027, 2, 13), warned.Programme().FirstWarnedOn);
        Assert.Equal(new DateTimeOffset(2027, 2, 12, 16, 0, 0, TimeSpan.Zero), warned.History[^1].At);
        Assert.False(string.IsNullOrEmpty(warned.History[^1].Rule));
    }

    [Fact]
    public void Does_not_warn_a_second_before_the_30_day_date()
    {
        var person = EnrolledOn15March2026();

        var after = _rules.Evaluate(person, Cst.At(2027, 2, 12, 23, 59, 59));

        Assert.Empty(HistoryText.Added(person, after));
        Assert.Empty(after.Programme().WarnedDaysBefore);
        Assert.Null(after.Programme().FirstWarnedOn);
    }

    [Fact]
    public void Warns_again_7_days_before_the_deadline()
    {
        var person = _rules.Evaluate(EnrolledOn15March2026(), Cst.Midnight(2027, 2, 13));
        var beforeSeventh = _rules.Evaluate(person, Cst.At(2027, 3, 7, 23, 59, 59));
        Assert.Empty(HistoryText.Added(person, beforeSeventh));

        var warned = _rules.Evaluate(person, Cst.Midnight(2027, 3, 8));

        Assert.Equal(["warned pension-employee deadline=2027-03-15 days=7"], HistoryText.Added(person, warned));
        Assert.Equal([7, 30], warned.Programme().WarnedDaysBefore.Order());
        Assert.Equal(Cst.Date(2027, 2, 13), warned.Programme().FirstWarnedOn); // the first warning stays the first
    }

    [Fact]
    public void Evaluating_the_same_instant_twice_adds_nothing()
    {
        var once = _rules.Evaluate(EnrolledOn15March2026(), Cst.Midnight(2027, 2, 13));

        var twice = _rules.Evaluate(once, Cst.Midnight(2027, 2, 13));

        StateJson.Equal(once, twice);
    }

    [Fact]
    public void Evaluating_every_day_up_to_the_deadline_gives_exactly_two_warnings()
    {
        var person = EnrolledOn15March2026();
        // Day i is 2027-01-20 + i at hour i mod 24: i = 24 is 2027-02-13 00:00 (11 days to 31 January, 13 more),
        // i = 47 is 2027-03-08 23:00 (23 days after 13 February), i = 54 is the deadline 2027-03-15 06:00.
        var instants = Enumerable.Range(0, 55).Select(i => Cst.Midnight(2027, 1, 20).AddDays(i).AddHours(i % 24)).ToArray();

        var after = _rules.EvaluateAt(person, instants);

        Assert.Equal(
            ["warned pension-employee deadline=2027-03-15 days=30", "warned pension-employee deadline=2027-03-15 days=7"],
            HistoryText.Added(person, after));
        Assert.Equal([Cst.At(2027, 2, 13, 0), Cst.At(2027, 3, 8, 23)], after.History.TakeLast(2).Select(e => e.At));
    }

    [Fact]
    public void Enrolment_whose_deadline_is_less_than_30_days_away_warns_at_once_with_30()
    {
        // Enrolled 2025-03-01 but registered on 2026-02-10: deadline 2026-03-01, 19 days away.
        // 30 days before 2026-03-01 is 2026-01-30 (reached); 7 days before is 2026-02-22 (not yet).
        var person = _rules.Enrol(Cst.Date(2025, 3, 1), Cst.At(2026, 2, 10, 10));

        Assert.Equal(
            [
                "enrolled",
                "renewed pension-employee rule=strong-12m deadline=2026-03-01 cause=enrolment:2025-03-01",
                "warned pension-employee deadline=2026-03-01 days=30",
            ],
            HistoryText.All(person));
        Assert.Equal(Cst.Date(2026, 2, 10), person.Programme().FirstWarnedOn);
        Assert.Equal(Cst.Midnight(2026, 2, 22), _rules.NextActionAt(person));
    }

    [Fact]
    public void Enrolment_whose_deadline_is_less_than_7_days_away_warns_once_with_7()
    {
        // Deadline 2026-03-01, 4 days after 2026-02-25: both warning dates have passed; one warning stands for both.
        var person = _rules.Enrol(Cst.Date(2025, 3, 1), Cst.At(2026, 2, 25, 10));

        Assert.Equal(["warned pension-employee deadline=2026-03-01 days=7"], HistoryText.All(person).Where(e => e.StartsWith("warned", StringComparison.Ordinal)));
        Assert.Equal([7, 30], person.Programme().WarnedDaysBefore.Order());
        Assert.Equal(Cst.Date(2026, 2, 25), person.Programme().FirstWarnedOn);
        Assert.Equal(Cst.Midnight(2026, 3, 2), _rules.NextActionAt(person)); // the day after the deadline
    }

    [Fact]
    public void Evidence_whose_new_deadline_is_less_than_30_days_away_warns_in_the_same_call()
    {
        // Bedridden: enrolment 2025-09-01 + 6 = 2026-03-01. Weak evidence of 2025-12-10 arriving 2026-02-20:
        // + 3 = 2026-03-10, 18 days away; 30 days before it is 2026-02-08 (reached), 7 days before 2026-03-03 (not yet).
        var person = _rules.Enrol(Cst.Date(2025, 9, 1), flags: [PersonFlags.Bedridden]);

        var after = _rules.Apply(person, [Evidence.Weak("c1", Cst.At(2025, 12, 10, 9), "community-report")], Cst.At(2026, 2, 20, 10));

        Assert.Equal(
            [
                "renewed pension-employee rule=graded-weak-3m deadline=2026-03-10 cause=community-report:c1",
                "warned pension-employee deadline=2026-03-10 days=30",
                // Rule 8: bedridden (key population) and the deadline rests on weak evidence: a door-to-door visit too.
                "visit-task pension-employee deadline=2026-03-10",
            ],
            HistoryText.Added(person, after));
    }

    [Fact]
    public void Evidence_arriving_after_its_new_deadline_warns_once_with_7_and_records_overdue()
    {
        // Deadline 2026-03-01, never evaluated. Weak evidence of 2025-09-10 arrives 2026-03-20: + 6 = 2026-03-10, already past.
        var person = _rules.Enrol(Cst.Date(2025, 3, 1));

        var after = _rules.Apply(person, [Evidence.Weak("b1", Cst.At(2025, 9, 10, 9))], Cst.At(2026, 3, 20, 10));

        Assert.Equal(
            [
                "renewed pension-employee rule=weak-6m deadline=2026-03-10 cause=bank-counter:b1",
                "warned pension-employee deadline=2026-03-10 days=7",
                "overdue pension-employee deadline=2026-03-10",
            ],
            HistoryText.Added(person, after));
        Assert.Equal(Cst.Date(2026, 3, 20), after.Programme().FirstWarnedOn);
    }

    [Fact]
    public void A_deadline_moved_by_new_evidence_clears_the_warnings()
    {
        var person = _rules.EvaluateAt(EnrolledOn15March2026(), Cst.Midnight(2027, 2, 13), Cst.Midnight(2027, 3, 8));

        var renewed = _rules.Apply(person, [Evidence.Strong("f1", Cst.At(2027, 3, 10, 9))], Cst.At(2027, 3, 10, 10));

        Assert.Equal(["renewed pension-employee rule=strong-12m deadline=2028-03-10 cause=face-selfservice:f1"], HistoryText.Added(person, renewed));
        Assert.Empty(renewed.Programme().WarnedDaysBefore);
        Assert.Null(renewed.Programme().FirstWarnedOn);
        // 2028-03-10 - 30 days: 10 days back to 2028-02-29 (a leap year), 20 more to 2028-02-09.
        Assert.Equal(Cst.Midnight(2028, 2, 9), _rules.NextActionAt(renewed));

        var warnedAgain = _rules.Evaluate(renewed, Cst.Midnight(2028, 2, 9));
        Assert.Equal(["warned pension-employee deadline=2028-03-10 days=30"], HistoryText.Added(renewed, warnedAgain));
    }

    [Fact]
    public void A_deadline_moved_less_than_30_days_ahead_is_warned_again_at_once()
    {
        // Both warnings for 2027-03-15 issued; weak evidence of 2026-09-20 arrives 2027-03-10: + 6 = 2027-03-20.
        // 30 days before 2027-03-20 is 2027-02-18 (reached); 7 days before is 2027-03-13 (not yet).
        var person = _rules.EvaluateAt(EnrolledOn15March2026(), Cst.Midnight(2027, 2, 13), Cst.Midnight(2027, 3, 8));

        var after = _rules.Apply(person, [Evidence.Weak("b1", Cst.At(2026, 9, 20, 9))], Cst.At(2027, 3, 10, 10));

        Assert.Equal(
            [
                "renewed pension-employee rule=weak-6m deadline=2027-03-20 cause=bank-counter:b1",
                "warned pension-employee deadline=2027-03-20 days=30",
            ],
            HistoryText.Added(person, after));
        Assert.Equal(Cst.Date(2027, 3, 10), after.Programme().FirstWarnedOn);
    }

    [Fact]
    public void Evidence_that_does_not_move_the_deadline_keeps_the_warnings()
    {
        var person = _rules.Evaluate(EnrolledOn15March2026(), Cst.Midnight(2027, 2, 13));

        // 2026-09-01 + 6 = 2027-03-01, before 2027-03-15.
        var after = _rules.Apply(person, [Evidence.Weak("b1", Cst.At(2026, 9, 1, 9))], Cst.At(2027, 2, 14, 10));

        Assert.Empty(HistoryText.Added(person, after));
        Assert.Equal([30], after.Programme().WarnedDaysBefore.ToArray());
        Assert.Equal(Cst.Date(2027, 2, 13), after.Programme().FirstWarnedOn);
    }

    [Fact]
    public void Each_programme_is_warned_for_its_own_deadline()
    {
        // Pension 2027-03-15; elderly allowance (cap 6) 2026-09-15, whose 30-day date is 2026-08-16
        // (15 days back to 2026-08-31, 15 more to 2026-08-16).
        var person = _rules.Enrol(Cst.Date(2026, 3, 15), programmes: [Programmes.Pension, Programmes.ElderlyAllowance]);

        var after = _rules.Evaluate(person, Cst.Midnight(2026, 8, 16));

        Assert.Equal(["warned elderly-allowance deadline=2026-09-15 days=30"], HistoryText.Added(person, after));
        Assert.Empty(after.Programme(Programmes.Pension).WarnedDaysBefore);
    }

    [Fact]
    public void A_province_configures_its_own_warning_offsets()
    {
        var rules = Programmes.Rules(new CertificationPolicy { WarningDaysBefore = [60, 14] });
        var person = rules.Enrol(Cst.Date(2026, 3, 15));

        // 2027-03-15 - 60 days: 15 back to 2027-02-28, 28 more to 2027-01-31, 17 more to 2027-01-14.
        var early = rules.Evaluate(person, Cst.Midnight(2027, 1, 14));
        Assert.Equal(["warned pension-employee deadline=2027-03-15 days=60"], HistoryText.Added(person, early));

        // 2027-03-15 - 14 days = 2027-03-01.
        Assert.Equal(Cst.Midnight(2027, 3, 1), rules.NextActionAt(early));
    }
}
