namespace SilentCert.Domain.Tests;

// Proves the statuses: certified, due (30 days up to and including the deadline), overdue, suspended; a person takes the most severe.
public sealed class StatusTests
{
    private readonly CertificationRules _rules = Programmes.Rules();

    private static ProgrammeEnrolment WithDeadline15March2027(DateOnly? suspendedFrom = null) =>
        new(Programmes.Pension, 2_000m, new YearMonth(2026, 3), Cst.Date(2027, 3, 15), [], null, false, suspendedFrom);

    /// <summary>A programme's status in a person with no case open and no death confirmed.</summary>
    private CertificationStatus StatusOf(ProgrammeEnrolment p, DateOnly today)
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15)) with { Programmes = [p] };
        return _rules.StatusOf(person, p, today);
    }

    [Theory]
    [InlineData(2026, 3, 15, CertificationStatus.Certified)]
    [InlineData(2027, 2, 12, CertificationStatus.Certified)] // 31 days before the deadline
    [InlineData(2027, 2, 13, CertificationStatus.Due)] // 30 days before
    [InlineData(2027, 3, 15, CertificationStatus.Due)] // the deadline day is still certified, and due
    [InlineData(2027, 3, 16, CertificationStatus.Overdue)]
    [InlineData(2027, 8, 1, CertificationStatus.Overdue)] // overdue until a suspension is decided
    public void Programme_status_follows_the_deadline(int y, int m, int d, CertificationStatus status) =>
        Assert.Equal(status, StatusOf(WithDeadline15March2027(), new DateOnly(y, m, d)));

    [Theory]
    [InlineData(2027, 3, 31, CertificationStatus.Overdue)]
    [InlineData(2027, 4, 1, CertificationStatus.Suspended)]
    [InlineData(2028, 1, 1, CertificationStatus.Suspended)]
    public void Programme_is_suspended_from_its_suspension_start(int y, int m, int d, CertificationStatus status) =>
        Assert.Equal(status, StatusOf(WithDeadline15March2027(Cst.Date(2027, 4, 1)), new DateOnly(y, m, d)));

    [Fact]
    public void Person_status_is_the_most_severe_of_their_programmes()
    {
        // Pension deadline 2027-03-15 (due from 2027-02-13); elderly allowance (cap 6) 2026-09-15 (due from 2026-08-16).
        var person = _rules.Enrol(Cst.Date(2026, 3, 15), programmes: [Programmes.Pension, Programmes.ElderlyAllowance]);

        Assert.Equal(CertificationStatus.Certified, _rules.StatusOf(person, Cst.Date(2026, 8, 15)));
        Assert.Equal(CertificationStatus.Due, _rules.StatusOf(person, Cst.Date(2026, 8, 16)));
        Assert.Equal(CertificationStatus.Overdue, _rules.StatusOf(person, Cst.Date(2026, 9, 16)));
        Assert.Equal(CertificationStatus.Certified, _rules.StatusOf(person, person.Programme(Programmes.Pension), Cst.Date(2026, 9, 16)));

        person = _rules.EvaluateAt(person, Cst.Midnight(2026, 8, 16), Cst.Midnight(2026, 9, 8), Cst.Midnight(2026, 9, 16), Cst.Midnight(2026, 10, 1));

        Assert.Equal(CertificationStatus.Suspended, _rules.StatusOf(person, Cst.Date(2026, 10, 1)));
        Assert.Equal(CertificationStatus.Suspended, _rules.StatusOf(person, Cst.Date(2027, 2, 13))); // pension due, allowance suspended
        Assert.Equal(CertificationStatus.Due, _rules.StatusOf(person, person.Programme(Programmes.Pension), Cst.Date(2027, 2, 13)));
    }

    [Fact]
    public void A_person_goes_from_certified_to_due_overdue_suspended_and_back_to_certified()
    {
        var person = _rules.Enrol(Cst.Date(2026, 3, 15));
        Assert.Equal(CertificationStatus.Certified, _rules.StatusOf(person, Cst.Date(2026, 3, 15)));

        person = _rules.Evaluate(person, Cst.Midnight(2027, 2, 13));
        Assert.Equal(CertificationStatus.Due, _rules.StatusOf(person, Cst.Date(2027, 2, 13)));

        person = _rules.EvaluateAt(person, Cst.Midnight(2027, 3, 8), Cst.Midnight(2027, 3, 16));
        Assert.Equal(CertificationStatus.Overdue, _rules.StatusOf(person, Cst.Date(2027, 3, 16)));

        person = _rules.Evaluate(person, Cst.Midnight(2027, 4, 1));
        Assert.Equal(CertificationStatus.Suspended, _rules.StatusOf(person, Cst.Date(2027, 4, 1)));

        person = _rules.Apply(person, [Evidence.Strong("f1", Cst.At(2027, 4, 20, 9))], Cst.At(2027, 4, 20, 10));
        Assert.Equal(CertificationStatus.Certified, _rules.StatusOf(person, Cst.Date(2027, 4, 20)));
    }

    [Fact]
    public void A_person_with_no_programmes_counts_as_certified()
    {
        var person = _rules.Enrol(null, People.Request(Cst.Date(2026, 3, 15)) with { Enrolments = [] }, Cst.At(2026, 3, 15, 10));

        Assert.Equal(CertificationStatus.Certified, _rules.StatusOf(person, Cst.Date(2030, 1, 1)));
        Assert.Null(_rules.NextActionAt(person));
    }
}
