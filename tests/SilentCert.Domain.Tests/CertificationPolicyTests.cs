namespace SilentCert.Domain.Tests;

// Proves that the default numbers are those of DOMAIN.md rules 2-4 and 8-9, and that a province's configuration is checked.
public sealed class CertificationPolicyTests
{
    private readonly CertificationPolicy _policy = CertificationPolicy.Default;

    [Theory]
    [InlineData(Strength.Strong, false, null, 12, "strong-12m")]
    [InlineData(Strength.Weak, false, null, 6, "weak-6m")]
    [InlineData(Strength.Strong, true, null, 6, "graded-strong-6m")]
    [InlineData(Strength.Weak, true, null, 3, "graded-weak-3m")]
    [InlineData(Strength.Strong, false, 6, 6, "programme-cap-6m")]
    [InlineData(Strength.Weak, false, 6, 6, "weak-6m")] // a cap equal to the period does not lower it
    [InlineData(Strength.Strong, true, 6, 6, "graded-strong-6m")]
    [InlineData(Strength.Weak, true, 6, 3, "graded-weak-3m")]
    [InlineData(Strength.Strong, false, 3, 3, "programme-cap-3m")]
    [InlineData(Strength.Weak, false, 3, 3, "programme-cap-3m")]
    [InlineData(Strength.Weak, true, 3, 3, "graded-weak-3m")]
    [InlineData(Strength.Strong, false, 24, 12, "strong-12m")] // a cap above the period changes nothing
    public void PeriodFor_takes_the_lowest_of_strength_grading_and_programme_cap(Strength strength, bool graded, int? cap, int months, string rule) =>
        Assert.Equal(new Period(months, rule), _policy.PeriodFor(strength, graded, cap));

    [Theory]
    [InlineData(2026, 3, 31, false)] // 79
    [InlineData(2026, 4, 1, true)] // 80 on the birthday
    public void Is_graded_from_the_80th_birthday(int y, int m, int d, bool graded) =>
        Assert.Equal(graded, _policy.IsGraded(new DateOnly(1946, 4, 1), [], new DateOnly(y, m, d)));

    [Theory]
    [InlineData(PersonFlags.Bedridden, true)]
    [InlineData(PersonFlags.Incapacitated, true)]
    [InlineData(PersonFlags.MajorIllness, true)]
    [InlineData(PersonFlags.Disabled, false)]
    [InlineData(PersonFlags.EmptyNest, false)]
    [InlineData(PersonFlags.ElderlyCare, false)]
    public void Is_graded_by_the_serious_illness_flags_only(string flag, bool graded) =>
        Assert.Equal(graded, _policy.IsGraded(People.BornIn1960, [flag], new DateOnly(2026, 6, 1)));

    [Fact]
    public void Defaults_are_the_numbers_of_DOMAIN_md()
    {
        Assert.Equal(12, _policy.StrongMonths);
        Assert.Equal(6, _policy.WeakMonths);
        Assert.Equal(6, _policy.GradedStrongMonths);
        Assert.Equal(3, _policy.GradedWeakMonths);
        Assert.Equal(80, _policy.GradedFromAge);
        Assert.Equal([30, 7], _policy.WarningDaysBefore.ToArray());
        Assert.Equal(30, _policy.WarningWindowDays);
        Assert.Equal(7, _policy.MinimumWarningDaysBeforeSuspension);
    }

    public static TheoryData<CertificationPolicy> InvalidPolicies() =>
    [
        new CertificationPolicy { StrongMonths = 13 }, // more than the plan allows
        new CertificationPolicy { StrongMonths = 0 },
        new CertificationPolicy { WeakMonths = 0 },
        new CertificationPolicy { GradedStrongMonths = 0 },
        new CertificationPolicy { GradedWeakMonths = 0 },
        new CertificationPolicy { WarningDaysBefore = [] },
        new CertificationPolicy { WarningDaysBefore = [30, 0] },
        new CertificationPolicy { MinimumWarningDaysBeforeSuspension = -1 },
    ];

    [Theory]
    [MemberData(nameof(InvalidPolicies))]
    public void Rules_refuse_an_invalid_configuration(CertificationPolicy policy) =>
        Assert.Throws<ArgumentException>(() => new CertificationRules(policy, [Programmes.PensionDefinition]));

    [Fact]
    public void The_warning_window_is_the_largest_offset_whatever_the_order()
    {
        var policy = new CertificationPolicy { WarningDaysBefore = [7, 45, 30] };

        Assert.Equal(45, policy.WarningWindowDays);
    }

    [Fact]
    public void Rules_know_only_the_configured_programmes()
    {
        var rules = Programmes.Rules();

        Assert.True(rules.IsKnownProgramme(Programmes.Pension));
        Assert.False(rules.IsKnownProgramme("unknown-programme"));
    }
}
