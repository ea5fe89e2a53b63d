namespace SilentCert.Domain.Tests;

// Proves rules 1-5: which period each piece of evidence gives each programme, and that the deadline only moves forward.
public sealed class CertificationPeriodTests
{
    private readonly CertificationRules _rules = Programmes.Rules();

    private static readonly DateOnly TurnsEightyOn1April2026 = new(1946, 4, 1);

    [Fact]
    public void Enrolment_certifies_as_strong_evidence_on_the_enrolment_date_rule_5()
    {
        var now = Cst.At(2026, 3, 15, 10);

        var person = _rules.Enrol(Cst.Date(2026, 3, 15), now);

        // 2026-03-15 + 12 months
        Assert.Equal(Cst.Date(2027, 3, 15), person.Programme().Deadline);
        Assert.Equal(
            ["enrolled", "renewed pension-employee rule=strong-12m deadline=2027-03-15 cause=enrolment:2026-03-15"],
            HistoryText.All(person));
        Assert.All(person.History, entry => Assert.Equal(now, entry.At));
        Assert.Equal(SourceCatalogue.EnrolmentSource, person.LatestStrong!.Source);
        Assert.Equal(Strength.Strong, person.LatestStrong.Strength);
        Assert.Equal(Cst.Date(2026, 3, 15), person.LatestStrong.ObservedOn);
        Assert.Null(person.LatestWeak);
    }

    [Theory]
    [InlineData(2026, 3, 15, 2027, 3, 15)]
    [InlineData(2026, 3, 31, 2027, 3, 31)]
    [InlineData(2028, 2, 29, 2029, 2, 28)] // no 29 February in 2029: AddMonths keeps to the month's last day
    public void Strong_evidence_certifies_for_12_calendar_months_rule_2(int y, int m, int d, int dy, int dm, int dd)
    {
        var person = _rules.Enrol(new DateOnly(y, m, d));

        Assert.Equal(new DateOnly(dy, dm, dd), person.Programme().Deadline);
    }

    [Fact]
    public void Strong_evidence_renews_the_deadline_to_its_observed_date_plus_12_months_rule_1()
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15));

        var renewed = _rules.Apply(person, [Evidence.Strong("f1", Cst.At(2026, 6, 20, 9))], Cst.At(2026, 6, 20, 12));

        Assert.Equal(Cst.Date(2027, 6, 20), renewed.Programme().Deadline);
        Assert.Equal(["renewed pension-employee rule=strong-12m deadline=2027-06-20 cause=face-selfservice:f1"], HistoryText.Added(person, renewed));
    }

    [Fact]
    public void Weak_evidence_certifies_for_6_months_rule_2()
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15));

        var renewed = _rules.Apply(person, [Evidence.Weak("b1", Cst.At(2026, 12, 1, 9))], Cst.At(2026, 12, 1, 12));

        // 2026-12-01 + 6 months = 2027-06-01, later than 2027-03-15
        Assert.Equal(Cst.Date(2027, 6, 1), renewed.Programme().Deadline);
        Assert.Equal(["renewed pension-employee rule=weak-6m deadline=2027-06-01 cause=bank-counter:b1"], HistoryText.Added(person, renewed));
        Assert.Equal("b1", renewed.LatestWeak!.SourceRecordId);
    }

    [Fact]
    public void Weak_evidence_ending_before_the_current_deadline_leaves_it_rule_1()
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15));

        // 2026-06-01 + 6 months = 2026-12-01, before 2027-03-15
        var after = _rules.Apply(person, [Evidence.Weak("b1", Cst.At(2026, 6, 1, 9))], Cst.At(2026, 6, 1, 12));

        Assert.Equal(Cst.Date(2027, 3, 15), after.Programme().Deadline);
        Assert.Empty(HistoryText.Added(person, after));
        Assert.Equal("b1", after.LatestWeak!.SourceRecordId); // still known, for programmes joined later
    }

    [Fact]
    public void Deadline_never_moves_backward_when_older_evidence_arrives_late_rule_1()
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15));
        person = _rules.Apply(person, [Evidence.Strong("s2", Cst.At(2026, 9, 1, 9), "travel-realname")], Cst.At(2026, 9, 1, 12));

        // Observed 2026-05-01 (-> 2027-05-01) but arriving after the 2026-09-01 record (-> 2027-09-01).
        var after = _rules.Apply(person, [Evidence.Strong("s1", Cst.At(2026, 5, 1, 9), "medical-visit")], Cst.At(2026, 9, 2, 12));

        Assert.Equal(Cst.Date(2027, 9, 1), after.Programme().Deadline);
        Assert.Empty(HistoryText.Added(person, after));
        Assert.Equal("s2", after.LatestStrong!.SourceRecordId); // latest by observation, not by arrival (rule 6)
    }

    [Fact]
    public void A_newer_graded_certification_does_not_shorten_the_deadline_rule_1()
    {
        var person = _rules.Enrol(Cst.Date(2026, 1, 10), birthDate: TurnsEightyOn1April2026);
        // Age 79 on 2026-03-31: 12 months -> 2027-03-31.
        person = _rules.Apply(person, [Evidence.Strong("f1", Cst.At(2026, 3, 31, 9))], Cst.At(2026, 3, 31, 12));

        // Age 80 on 2026-04-01: 6 months -> 2026-10-01, earlier than 2027-03-31.
        var after = _rules.Apply(person, [Evidence.Strong("f2", Cst.At(2026, 4, 1, 9))], Cst.At(2026, 4, 1, 12));

        Assert.Equal(Cst.Date(2027, 3, 31), after.Programme().Deadline);
        Assert.Empty(HistoryText.Added(person, after));
    }

    [Fact]
    public void Deadline_adds_calendar_months_and_keeps_to_the_last_day_of_a_shorter_month()
    {
        var person = _rules.Enrol(Cst.Date(2026, 1, 10));

        // 23:30 local on 31 August: 2026-08-31 + 6 months = 2027-02-28 (2027 is not a leap year).
        var renewed = _rules.Apply(person, [Evidence.Weak("b1", Cst.At(2026, 8, 31, 23, 30))], Cst.At(2026, 9, 1, 12));

        Assert.Equal(Cst.Date(2027, 2, 28), renewed.Programme().Deadline);
    }

    [Fact]
    public void Evidence_is_dated_by_its_local_date_rule_7()
    {
        var person = _rules.Enrol(Cst.Date(2026, 1, 10));

        // 16:30 UTC on 31 August is 00:30 on 1 September in China: 2026-09-01 + 6 months = 2027-03-01.
        var observedAt = new DateTimeOffset(2026, 8, 31, 16, 30, 0, TimeSpan.Zero);
        var renewed = _rules.Apply(person, [Evidence.Weak("b1", observedAt)], Cst.At(2026, 9, 1, 12));

        Assert.Equal(Cst.Date(2027, 3, 1), renewed.Programme().Deadline);
    }

    [Theory]
    [InlineData(2026, 3, 31, 2027, 3, 31, "strong-12m")] // age 79 the day before the 80th birthday
    [InlineData(2026, 4, 1, 2026, 10, 1, "graded-strong-6m")] // age 80 on the birthday itself
    public void Strong_evidence_for_a_person_aged_80_or_more_on_the_observed_date_gives_6_months_rule_3(
        int y, int m, int d, int dy, int dm, int dd, string rule)
    {
        var person = _rules.Enrol(new DateOnly(y, m, d), birthDate: TurnsEightyOn1April2026);

        Assert.Equal(new DateOnly(dy, dm, dd), person.Programme().Deadline);
        Assert.Equal(rule, person.History.Single(e => e.Event == HistoryEvents.Renewed).Rule);
    }

    [Fact]
    public void Weak_evidence_for_a_person_aged_80_or_more_gives_3_months_rule_3()
    {
        // Born 1941-02-10: 85 in 2026. Enrolment 2026-03-01 + 6 = 2026-09-01.
        var person = _rules.Enrol(Cst.Date(2026, 3, 1), birthDate: new DateOnly(1941, 2, 10));
        Assert.Equal(Cst.Date(2026, 9, 1), person.Programme().Deadline);

        // 2026-07-15 + 3 months = 2026-10-15
        var renewed = _rules.Apply(person, [Evidence.Weak("v1", Cst.At(2026, 7, 15, 9), "vaccination")], Cst.At(2026, 7, 15, 12));

        Assert.Equal(["renewed pension-employee rule=graded-weak-3m deadline=2026-10-15 cause=vaccination:v1"], HistoryText.Added(person, renewed));
    }

    [Theory]
    [InlineData(PersonFlags.Bedridden)]
    [InlineData(PersonFlags.Incapacitated)]
    [InlineData(PersonFlags.MajorIllness)]
    public void Seriously_ill_bedridden_or_incapacitated_people_get_6_months_strong_and_3_months_weak_rule_3(string flag)
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15), flags: [flag]);

        // 2026-03-15 + 6 = 2026-09-15; then weak 2026-08-01 + 3 = 2026-11-01
        Assert.Equal(Cst.Date(2026, 9, 15), person.Programme().Deadline);
        Assert.Equal("graded-strong-6m", person.History.Single(e => e.Event == HistoryEvents.Renewed).Rule);
        var renewed = _rules.Apply(person, [Evidence.Weak("b1", Cst.At(2026, 8, 1, 9))], Cst.At(2026, 8, 1, 12));
        Assert.Equal(["renewed pension-employee rule=graded-weak-3m deadline=2026-11-01 cause=bank-counter:b1"], HistoryText.Added(person, renewed));
    }

    [Theory]
    [InlineData(PersonFlags.Disabled)]
    [InlineData(PersonFlags.EmptyNest)]
    [InlineData(PersonFlags.ElderlyCare)]
    public void Disabled_and_empty_nest_people_keep_the_standard_periods_rule_3(string flag)
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15), flags: [flag]);

        Assert.Equal(Cst.Date(2027, 3, 15), person.Programme().Deadline);
        var renewed = _rules.Apply(person, [Evidence.Weak("b1", Cst.At(2026, 12, 1, 9))], Cst.At(2026, 12, 1, 12));
        Assert.Equal(["renewed pension-employee rule=weak-6m deadline=2027-06-01 cause=bank-counter:b1"], HistoryText.Added(person, renewed));
    }

    [Fact]
    public void A_programme_cap_lowers_the_period_and_names_the_cap_rule_4()
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15), programmes: [Programmes.Pension, Programmes.ElderlyAllowance, Programmes.DisabilitySubsidy]);

        Assert.Equal(Cst.Date(2027, 3, 15), person.Programme(Programmes.Pension).Deadline);
        Assert.Equal(Cst.Date(2026, 9, 15), person.Programme(Programmes.ElderlyAllowance).Deadline); // capped at 6
        Assert.Equal(Cst.Date(2026, 6, 15), person.Programme(Programmes.DisabilitySubsidy).Deadline); // capped at 3
        AssertSameEntries(
            [
                "enrolled",
                "renewed pension-employee rule=strong-12m deadline=2027-03-15 cause=enrolment:2026-03-15",
                "renewed elderly-allowance rule=programme-cap-6m deadline=2026-09-15 cause=enrolment:2026-03-15",
                "renewed disability-subsidy rule=programme-cap-3m deadline=2026-06-15 cause=enrolment:2026-03-15",
            ],
            HistoryText.All(person));
    }

    [Fact]
    public void A_cap_no_lower_than_the_period_does_not_apply_rule_4()
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15), programmes: [Programmes.Pension, Programmes.ElderlyAllowance]);

        // Weak 2026-08-01: 6 months, not lowered by the 6-month cap -> 2027-02-01; the pension keeps 2027-03-15.
        var renewed = _rules.Apply(person, [Evidence.Weak("b1", Cst.At(2026, 8, 1, 9))], Cst.At(2026, 8, 1, 12));

        Assert.Equal(["renewed elderly-allowance rule=weak-6m deadline=2027-02-01 cause=bank-counter:b1"], HistoryText.Added(person, renewed));
        Assert.Equal(Cst.Date(2027, 3, 15), renewed.Programme(Programmes.Pension).Deadline);
    }

    [Fact]
    public void A_graded_person_in_a_capped_programme_gets_the_lower_of_the_two_rules_3_and_4()
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15), flags: [PersonFlags.Bedridden],
            programmes: [Programmes.ElderlyAllowance, Programmes.DisabilitySubsidy]);

        AssertSameEntries(
            [
                "enrolled",
                "renewed elderly-allowance rule=graded-strong-6m deadline=2026-09-15 cause=enrolment:2026-03-15",
                "renewed disability-subsidy rule=programme-cap-3m deadline=2026-06-15 cause=enrolment:2026-03-15",
            ],
            HistoryText.All(person));
    }

    [Fact]
    public void Capped_period_keeps_to_the_last_day_of_February_rule_4()
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15), programmes: [Programmes.ElderlyAllowance]);

        // 2026-08-31 + 6 months = 2027-02-28
        var renewed = _rules.Apply(person, [Evidence.Strong("f1", Cst.At(2026, 8, 31, 9))], Cst.At(2026, 8, 31, 12));

        Assert.Equal(["renewed elderly-allowance rule=programme-cap-6m deadline=2027-02-28 cause=face-selfservice:f1"], HistoryText.Added(person, renewed));
    }

    [Fact]
    public void One_piece_of_evidence_renews_every_programme_each_with_its_own_period_rule_4()
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15), programmes: [Programmes.Pension, Programmes.ElderlyAllowance, Programmes.DisabilitySubsidy]);

        var renewed = _rules.Apply(person, [Evidence.Strong("t1", Cst.At(2026, 5, 1, 9), "travel-realname")], Cst.At(2026, 5, 1, 12));

        AssertSameEntries(
            [
                "renewed pension-employee rule=strong-12m deadline=2027-05-01 cause=travel-realname:t1",
                "renewed elderly-allowance rule=programme-cap-6m deadline=2026-11-01 cause=travel-realname:t1",
                "renewed disability-subsidy rule=programme-cap-3m deadline=2026-08-01 cause=travel-realname:t1",
            ],
            HistoryText.Added(person, renewed));
    }

    [Fact]
    public void A_programme_added_by_a_later_update_starts_from_the_latest_known_strong_evidence()
    {
        var person = KnownByStrongOn20JuneAndWeakOn10November();

        // The update adds a line only; its enrolment date is the original one, so it brings no new certification.
        var updated = _rules.Enrol(person, People.Request(Cst.Date(2026, 3, 15), programmes: [Programmes.Dibao]), Cst.At(2026, 12, 1, 10));

        // f1 2026-06-20 + 12 = 2027-06-20; b1 2026-11-10 + 6 = 2027-05-10; enrolment 2026-03-15 + 12 = 2027-03-15.
        Assert.Equal(Cst.Date(2027, 6, 20), updated.Programme(Programmes.Dibao).Deadline);
        Assert.Equal(
            ["updated", "renewed dibao rule=strong-12m deadline=2027-06-20 cause=face-selfservice:f1"],
            HistoryText.Added(person, updated));
        Assert.Equal(Cst.Date(2027, 6, 20), updated.Programme(Programmes.Pension).Deadline);
    }

    [Fact]
    public void A_capped_programme_added_later_takes_the_latest_weak_evidence_when_it_reaches_further()
    {
        var person = KnownByStrongOn20JuneAndWeakOn10November();

        var updated = _rules.Enrol(person, People.Request(Cst.Date(2026, 3, 15), programmes: [Programmes.ElderlyAllowance]), Cst.At(2026, 12, 1, 10));

        // f1 2026-06-20 + 6 (cap) = 2026-12-20; then b1 2026-11-10 + 6 = 2027-05-10 reaches further.
        Assert.Equal(Cst.Date(2027, 5, 10), updated.Programme(Programmes.ElderlyAllowance).Deadline);
        Assert.Equal(
            [
                "updated",
                "renewed elderly-allowance rule=programme-cap-6m deadline=2026-12-20 cause=face-selfservice:f1",
                "renewed elderly-allowance rule=weak-6m deadline=2027-05-10 cause=bank-counter:b1",
            ],
            HistoryText.Added(person, updated));
    }

    [Fact]
    public void A_programme_added_later_sees_only_the_latest_strong_and_weak_evidence_documented_choice()
    {
        // The person keeps only their latest strong and weak records, so older evidence that reached further is not
        // replayed for a programme joined later. Born 1946-04-01, enrolled 2026-01-10 at 79: 2026-01-10 + 12 = 2027-01-10.
        var person = _rules.Enrol(Cst.Date(2026, 1, 10), birthDate: TurnsEightyOn1April2026);
        // f1 at 79: 2026-03-31 + 12 = 2027-03-31. f2 at 80: 2026-04-02 + 6 = 2026-10-02, which becomes the latest strong.
        person = _rules.Apply(person, [Evidence.Strong("f1", Cst.At(2026, 3, 31, 9))], Cst.At(2026, 3, 31, 12));
        person = _rules.Apply(person, [Evidence.Strong("f2", Cst.At(2026, 4, 2, 9))], Cst.At(2026, 4, 2, 12));

        var updated = _rules.Enrol(person, People.Request(Cst.Date(2026, 1, 10), TurnsEightyOn1April2026, programmes: [Programmes.Dibao]),
            Cst.At(2026, 5, 1, 10));

        // Dibao: max(f2 2026-10-02, enrolment 2027-01-10) = 2027-01-10, while the pension keeps f1's 2027-03-31.
        Assert.Equal(Cst.Date(2027, 3, 31), updated.Programme(Programmes.Pension).Deadline);
        Assert.Equal(Cst.Date(2027, 1, 10), updated.Programme(Programmes.Dibao).Deadline);
    }

    [Fact]
    public void A_grading_flag_set_by_an_update_shortens_only_later_evidence_documented_choice()
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15));

        var flagged = _rules.Enrol(person, People.Request(Cst.Date(2026, 3, 15), flags: [PersonFlags.Bedridden]), Cst.At(2026, 6, 1, 10));
        Assert.Equal(Cst.Date(2027, 3, 15), flagged.Programme().Deadline); // not recomputed to 2026-09-15

        // 2026-07-01 + 6 (graded) = 2027-01-01, earlier than 2027-03-15: the deadline stays.
        var after = _rules.Apply(flagged, [Evidence.Strong("f1", Cst.At(2026, 7, 1, 9))], Cst.At(2026, 7, 1, 12));
        Assert.Equal(Cst.Date(2027, 3, 15), after.Programme().Deadline);

        // 2026-10-01 + 6 (graded) = 2027-04-01 moves it.
        after = _rules.Apply(after, [Evidence.Strong("f2", Cst.At(2026, 10, 1, 9))], Cst.At(2026, 10, 1, 12));
        Assert.Equal(["renewed pension-employee rule=graded-strong-6m deadline=2027-04-01 cause=face-selfservice:f2"], HistoryText.Added(flagged, after));
    }

    [Fact]
    public void An_in_person_update_certifies_every_programme_on_its_date_rule_5()
    {
        var person = KnownByStrongOn20JuneAndWeakOn10November();

        var updated = _rules.Enrol(person, People.Request(Cst.Date(2026, 12, 1), programmes: [Programmes.Dibao]), Cst.At(2026, 12, 1, 10));

        // 2026-12-01 + 12 = 2027-12-01 for both programmes.
        Assert.Equal(Cst.Date(2027, 12, 1), updated.Programme(Programmes.Pension).Deadline);
        Assert.Equal(Cst.Date(2027, 12, 1), updated.Programme(Programmes.Dibao).Deadline);
        Assert.Equal(Cst.Date(2026, 12, 1), updated.EnrolledOn);
        AssertSameEntries(
            [
                "updated",
                "renewed dibao rule=strong-12m deadline=2027-06-20 cause=face-selfservice:f1",
                "renewed pension-employee rule=strong-12m deadline=2027-12-01 cause=enrolment:2026-12-01",
                "renewed dibao rule=strong-12m deadline=2027-12-01 cause=enrolment:2026-12-01",
            ],
            HistoryText.Added(person, updated));
    }

    [Fact]
    public void An_update_of_an_existing_line_changes_its_amount_and_start_month_but_not_its_deadline()
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15));
        var request = People.Request(Cst.Date(2026, 3, 15)) with
        {
            Enrolments = [new EnrolmentLine(Programmes.Pension, 2_150.50m, new YearMonth(2026, 4))],
        };

        var updated = _rules.Enrol(person, request, Cst.At(2026, 4, 2, 10));

        Assert.Equal(2_150.50m, updated.Programme().MonthlyAmount);
        Assert.Equal(new YearMonth(2026, 4), updated.Programme().StartMonth);
        Assert.Equal(Cst.Date(2027, 3, 15), updated.Programme().Deadline);
        Assert.Equal(["updated"], HistoryText.Added(person, updated));
    }

    [Fact]
    public void A_province_configures_its_own_periods()
    {
        var rules = Programmes.Rules(new CertificationPolicy { StrongMonths = 9, WeakMonths = 4 });

        var person = rules.Enrol(Cst.Date(2026, 3, 15));
        var renewed = rules.Apply(person, [Evidence.Weak("b1", Cst.At(2026, 9, 1, 9))], Cst.At(2026, 9, 1, 12));

        // 2026-03-15 + 9 = 2026-12-15; weak 2026-09-01 + 4 = 2027-01-01
        Assert.Equal("renewed pension-employee rule=strong-9m deadline=2026-12-15 cause=enrolment:2026-03-15", HistoryText.All(person)[1]);
        Assert.Equal(["renewed pension-employee rule=weak-4m deadline=2027-01-01 cause=bank-counter:b1"], HistoryText.Added(person, renewed));
    }

    [Fact]
    public void The_last_certification_is_the_latest_observed_and_strong_wins_a_tie()
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15));
        var at = Cst.At(2026, 6, 1, 9);

        person = _rules.Apply(person, [Evidence.Weak("b1", at), Evidence.Strong("f1", at)], Cst.At(2026, 6, 1, 12));
        Assert.Equal("f1", person.LastCertification!.SourceRecordId);

        person = _rules.Apply(person, [Evidence.Weak("b2", at.AddMinutes(1))], Cst.At(2026, 6, 1, 12));
        Assert.Equal("b2", person.LastCertification!.SourceRecordId);
    }

    private Beneficiary KnownByStrongOn20JuneAndWeakOn10November()
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15));
        person = _rules.Apply(person, [Evidence.Strong("f1", Cst.At(2026, 6, 20, 9))], Cst.At(2026, 6, 20, 12));
        person = _rules.Apply(person, [Evidence.Weak("b1", Cst.At(2026, 11, 10, 9))], Cst.At(2026, 11, 10, 12));
        Assert.Equal(Cst.Date(2027, 6, 20), person.Programme().Deadline);
        return person;
    }

    private static void AssertSameEntries(string[] expected, string[] actual) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
}
