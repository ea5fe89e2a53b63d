namespace SilentCert.Domain.Tests;

// Proves rule 9: overdue the day after the deadline, suspended from a month start only after a warning at least 7 days before it.
public sealed class SuspensionTests
{
    private readonly CertificationRules _rules = Programmes.Rules();

    // Deadline 2027-03-15; warnings due 2027-02-13 (30 days) and 2027-03-08 (7 days).
    private Beneficiary EnrolledOn15March2026() => _rules.Enrol(Cst.Date(2026, 3, 15));

    private Beneficiary WarnedOnTime() => _rules.EvaluateAt(EnrolledOn15March2026(), Cst.Midnight(2027, 2, 13), Cst.Midnight(2027, 3, 8));

    [Fact]
    public void Is_not_overdue_on_the_deadline_day_itself()
    {
        var person = WarnedOnTime();

        var after = _rules.Evaluate(person, Cst.At(2027, 3, 15, 23, 59, 59));

        Assert.Empty(HistoryText.Added(person, after));
        Assert.False(after.Programme().OverdueRecorded);
    }

    [Fact]
    public void Records_overdue_the_day_after_the_deadline()
    {
        var person = WarnedOnTime();

        var after = _rules.Evaluate(person, Cst.Midnight(2027, 3, 16));

        Assert.Equal(["overdue pension-employee deadline=2027-03-15"], HistoryText.Added(person, after));
        Assert.True(after.Programme().OverdueRecorded);
        Assert.Null(after.Programme().SuspendedFrom);
    }

    [Fact]
    public void Suspends_from_month_after_deadline_when_warned_and_not_certified()
    {
        var person = _rules.Evaluate(WarnedOnTime(), Cst.Midnight(2027, 3, 16));
        var lastDayOfMarch = _rules.Evaluate(person, Cst.At(2027, 3, 31, 23, 59, 59));
        Assert.Empty(HistoryText.Added(person, lastDayOfMarch));

        var after = _rules.Evaluate(person, Cst.Midnight(2027, 4, 1));

        // First warning 2027-02-13, well before 2027-04-01 - 7 days = 2027-03-25.
        Assert.Equal(["suspended pension-employee deadline=2027-03-15 from=2027-04-01"], HistoryText.Added(person, after));
        Assert.Equal(Cst.Date(2027, 4, 1), after.Programme().SuspendedFrom);
        Assert.Equal(Cst.Date(2027, 3, 15), after.Programme().Deadline); // suspension does not touch the deadline
    }

    [Fact]
    public void Only_evidence_ends_a_suspension_so_later_evaluations_add_nothing()
    {
        var suspended = _rules.EvaluateAt(WarnedOnTime(), Cst.Midnight(2027, 3, 16), Cst.Midnight(2027, 4, 1));

        var later = _rules.EvaluateAt(suspended, Cst.Midnight(2027, 5, 1), Cst.Midnight(2027, 6, 1), Cst.Midnight(2028, 1, 1));

        StateJson.Equal(suspended, later);
    }

    [Fact]
    public void Evaluating_an_earlier_instant_after_a_later_one_adds_nothing()
    {
        var suspended = _rules.EvaluateAt(WarnedOnTime(), Cst.Midnight(2027, 3, 16), Cst.Midnight(2027, 4, 1));

        var earlier = _rules.EvaluateAt(suspended, Cst.Midnight(2027, 3, 20), Cst.Midnight(2027, 2, 13), Cst.Midnight(2026, 6, 1));

        StateJson.Equal(suspended, earlier);
    }

    [Fact]
    public void Suspension_moves_a_month_when_the_first_warning_came_less_than_7_days_before()
    {
        // Enrolled 2026-03-31 but registered 2027-03-27: deadline 2027-03-31, first warning 2027-03-27.
        // 2027-04-01 - 7 days = 2027-03-25 < 2027-03-27, so not April; 2027-05-01 - 7 = 2027-04-24 >= 2027-03-27: May.
        var person = _rules.Enrol(Cst.Date(2026, 3, 31), Cst.At(2027, 3, 27, 10));
        Assert.Equal("warned pension-employee deadline=2027-03-31 days=7", HistoryText.All(person)[^1]);

        var overdue = _rules.Evaluate(person, Cst.Midnight(2027, 4, 1));
        Assert.Equal(["overdue pension-employee deadline=2027-03-31"], HistoryText.Added(person, overdue));
        Assert.Equal(Cst.Date(2027, 5, 1), _rules.SuspensionStart(overdue.Programme()));
        Assert.Equal(Cst.Midnight(2027, 5, 1), _rules.NextActionAt(overdue));

        var endOfApril = _rules.Evaluate(overdue, Cst.At(2027, 4, 30, 23, 59, 59));
        Assert.Empty(HistoryText.Added(overdue, endOfApril));

        var suspended = _rules.Evaluate(overdue, Cst.Midnight(2027, 5, 1));
        Assert.Equal(["suspended pension-employee deadline=2027-03-31 from=2027-05-01"], HistoryText.Added(overdue, suspended));
    }

    [Theory]
    [InlineData(1, 2027, 4, 1)] // 30 days before: warned in time
    [InlineData(24, 2027, 4, 1)] // 2027-03-24, 8 days before 1 April
    [InlineData(25, 2027, 4, 1)] // 2027-03-25, exactly 7 days before 1 April is enough
    [InlineData(26, 2027, 5, 1)] // 2027-03-26, 6 days before 1 April is not
    [InlineData(31, 2027, 5, 1)] // on the deadline day
    public void Suspension_starts_at_the_first_month_start_at_least_7_days_after_the_first_warning(int registeredInMarch, int y, int m, int d)
    {
        // Deadline 2027-03-31; the late registration is the first warning.
        var person = _rules.Enrol(Cst.Date(2026, 3, 31), Cst.At(2027, 3, registeredInMarch, 10));

        var suspended = _rules.EvaluateAt(person, Cst.Midnight(2027, 4, 1), Cst.Midnight(2027, 5, 1));

        Assert.Equal(Cst.Date(2027, 3, registeredInMarch), person.Programme().FirstWarnedOn);
        Assert.Equal(new DateOnly(y, m, d), suspended.Programme().SuspendedFrom);
    }

    [Theory]
    [InlineData("2027-03-15", "2027-02-13", "2027-04-01")]
    [InlineData("2027-03-31", "2027-03-25", "2027-04-01")] // 2027-04-01 - 7 = 2027-03-25
    [InlineData("2027-03-31", "2027-03-26", "2027-05-01")]
    [InlineData("2026-12-20", "2026-11-20", "2027-01-01")] // across the year end
    [InlineData("2027-01-31", "2027-01-25", "2027-02-01")] // 2027-02-01 - 7 = 2027-01-25
    [InlineData("2027-02-10", "2027-02-25", "2027-04-01")] // 2027-03-01 - 7 = 2027-02-22 < 2027-02-25
    [InlineData("2027-03-15", "2027-04-05", "2027-05-01")] // warned after the deadline: 2027-05-01 - 7 = 2027-04-24
    [InlineData("2027-03-15", "2027-04-25", "2027-06-01")] // 2027-04-24 < 2027-04-25; 2027-06-01 - 7 = 2027-05-25
    public void SuspensionStart_follows_the_deadline_month_and_the_first_warning(string deadline, string firstWarned, string expected)
    {
        var programme = new ProgrammeEnrolment(Programmes.Pension, 2_000m, new YearMonth(2026, 1), DateOnly.Parse(deadline, System.Globalization.CultureInfo.InvariantCulture),
            [30, 7], DateOnly.Parse(firstWarned, System.Globalization.CultureInfo.InvariantCulture), true, null);

        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), _rules.SuspensionStart(programme));
    }

    [Fact]
    public void SuspensionStart_refuses_a_deadline_never_warned()
    {
        var programme = new ProgrammeEnrolment(Programmes.Pension, 2_000m, new YearMonth(2026, 1), Cst.Date(2027, 3, 15), [], null, false, null);

        Assert.Throws<InvalidOperationException>(() => _rules.SuspensionStart(programme));
    }

    [Fact]
    public void A_deadline_on_the_last_day_of_a_month_is_overdue_and_suspended_on_the_same_day()
    {
        // Deadline 2027-03-31; 30 days before is 2027-03-01, 7 days before is 2027-03-24.
        var person = _rules.EvaluateAt(_rules.Enrol(Cst.Date(2026, 3, 31)), Cst.Midnight(2027, 3, 1), Cst.Midnight(2027, 3, 24));

        var after = _rules.Evaluate(person, Cst.Midnight(2027, 4, 1));

        Assert.Equal(
            ["overdue pension-employee deadline=2027-03-31", "suspended pension-employee deadline=2027-03-31 from=2027-04-01"],
            HistoryText.Added(person, after));
    }

    [Fact]
    public void A_late_evaluation_catches_up_everything_due_in_one_call()
    {
        // Warned at 30 days on 2027-02-13, then no evaluation (node down) until 2027-04-05 09:00.
        var person = _rules.Evaluate(EnrolledOn15March2026(), Cst.Midnight(2027, 2, 13));
        var now = Cst.At(2027, 4, 5, 9);

        var after = _rules.Evaluate(person, now);

        // The first warning (2027-02-13) was at least 7 days before 2027-04-01, so the suspension still starts in April.
        Assert.Equal(
            [
                "warned pension-employee deadline=2027-03-15 days=7",
                "overdue pension-employee deadline=2027-03-15",
                "suspended pension-employee deadline=2027-03-15 from=2027-04-01",
            ],
            HistoryText.Added(person, after));
        Assert.All(after.History.Skip(person.History.Length), entry => Assert.Equal(now, entry.At));
        Assert.Equal(CertificationStatus.Suspended, _rules.StatusOf(after, Cst.Date(2027, 4, 5)));
    }

    [Fact]
    public void Is_not_suspended_without_a_timely_warning_even_when_evaluated_late()
    {
        // Never evaluated until 2027-04-05: the warning goes out that day, so April is too soon and May is the earliest.
        var person = EnrolledOn15March2026();

        var after = _rules.Evaluate(person, Cst.At(2027, 4, 5, 9));

        Assert.Equal(
            ["warned pension-employee deadline=2027-03-15 days=7", "overdue pension-employee deadline=2027-03-15"],
            HistoryText.Added(person, after));
        Assert.Null(after.Programme().SuspendedFrom);
        Assert.Equal(Cst.Midnight(2027, 5, 1), _rules.NextActionAt(after));

        var suspended = _rules.Evaluate(after, Cst.Midnight(2027, 5, 1));
        Assert.Equal(["suspended pension-employee deadline=2027-03-15 from=2027-05-01"], HistoryText.Added(after, suspended));
    }

    [Fact]
    public void NextActionAt_walks_through_warnings_overdue_and_suspension_then_stops()
    {
        var person = EnrolledOn15March2026();
        DateTimeOffset?[] expected =
        [
            Cst.Midnight(2027, 2, 13), // 30-day warning
            Cst.Midnight(2027, 3, 8), // 7-day warning
            Cst.Midnight(2027, 3, 16), // the day after the deadline
            Cst.Midnight(2027, 4, 1), // suspension start
        ];

        foreach (var next in expected)
        {
            Assert.Equal(next, _rules.NextActionAt(person));
            var before = person;
            person = _rules.Evaluate(person, next!.Value);
            Assert.Single(HistoryText.Added(before, person));
        }

        Assert.NotNull(person.Programme().SuspendedFrom);
        Assert.Null(_rules.NextActionAt(person));
    }

    [Fact]
    public void NextActionAt_is_the_earliest_over_programmes_and_null_only_when_all_are_suspended()
    {
        // Pension deadline 2027-03-15; elderly allowance (cap 6) 2026-09-15: warnings 2026-08-16 and 2026-09-08,
        // overdue 2026-09-16, suspended 2026-10-01.
        var person = _rules.Enrol(Cst.Date(2026, 3, 15), programmes: [Programmes.Pension, Programmes.ElderlyAllowance]);
        Assert.Equal(Cst.Midnight(2026, 8, 16), _rules.NextActionAt(person));

        person = _rules.EvaluateAt(person, Cst.Midnight(2026, 8, 16), Cst.Midnight(2026, 9, 8), Cst.Midnight(2026, 9, 16), Cst.Midnight(2026, 10, 1));
        Assert.Equal(Cst.Date(2026, 10, 1), person.Programme(Programmes.ElderlyAllowance).SuspendedFrom);
        Assert.Null(person.Programme(Programmes.Pension).SuspendedFrom); // each programme is suspended on its own
        Assert.Equal(Cst.Midnight(2027, 2, 13), _rules.NextActionAt(person));

        person = _rules.EvaluateAt(person, Cst.Midnight(2027, 2, 13), Cst.Midnight(2027, 3, 8), Cst.Midnight(2027, 3, 16), Cst.Midnight(2027, 4, 1));
        Assert.Null(_rules.NextActionAt(person));
    }

    [Fact]
    public void A_province_configures_the_minimum_warning_before_suspension()
    {
        // Deadline 2027-03-31, registered late on 2027-03-24 and first warned then: 8 days before 2027-04-01 is short of 14,
        // so not April; 2027-05-01 - 14 days = 2027-04-17 is after the warning, so May.
        var rules = Programmes.Rules(new CertificationPolicy { MinimumWarningDaysBeforeSuspension = 14 });
        var person = rules.Enrol(Cst.Date(2026, 3, 31), Cst.At(2027, 3, 24, 10));

        var after = rules.EvaluateAt(person, Cst.Midnight(2027, 4, 1), Cst.Midnight(2027, 5, 1));

        Assert.Equal(Cst.Date(2027, 5, 1), after.Programme().SuspendedFrom);
    }
}
