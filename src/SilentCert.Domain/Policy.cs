using System.Collections.Immutable;

namespace SilentCert.Domain;

/// <summary>Key-population flags a person may carry (rule 3).</summary>
public static class PersonFlags
{
    public const string ElderlyCare = "elderly-care";
    public const string Disabled = "disabled";
    public const string EmptyNest = "empty-nest";
    public const string Bedridden = "bedridden";
    public const string Incapacitated = "incapacitated";
    public const string MajorIllness = "major-illness";

    public static readonly ImmutableSortedSet<string> All =
        [ElderlyCare, Disabled, EmptyNest, Bedridden, Incapacitated, MajorIllness];
}

/// <summary>A period and the name of the rule that chose it, as the history records it (e.g. <c>strong-12m</c>).</summary>
public readonly record struct Period(int Months, string Rule);

/// <summary>
/// The numbers of DOMAIN.md rules 1-9. Every one is a default that a province changes in configuration.
/// </summary>
public sealed record CertificationPolicy
{
    /// <summary>Rule 2: strong evidence certifies for 12 months, the most the plan allows (000_97d4c51c139d9ca0.txt §三).</summary>
    public int StrongMonths { get; init; } = 12;

    public int WeakMonths { get; init; } = 6;

    /// <summary>Rule 3 (分级管理): the very old and the seriously ill get at most these.</summary>
    public int GradedStrongMonths { get; init; } = 6;

    public int GradedWeakMonths { get; init; } = 3;

    public int GradedFromAge { get; init; } = 80;

    public ImmutableSortedSet<string> GradedFlags { get; init; } =
        [PersonFlags.Bedridden, PersonFlags.Incapacitated, PersonFlags.MajorIllness];

    /// <summary>
    /// Rule 8: key-population people (any flag of the key-population registry, or this age and over) whose deadline
    /// rests on weak evidence get a door-to-door visit task with their first warning (000_97d4c51c139d9ca0.txt §三(二)).
    /// </summary>
    public int KeyPopulationFromAge { get; init; } = 80;

    /// <summary>Rule 8: warnings this many days before a deadline, largest first.</summary>
    public ImmutableArray<int> WarningDaysBefore { get; init; } = [30, 7];

    /// <summary>Rule 9: nobody is suspended unless first warned at least this many days before it takes effect.</summary>
    public int MinimumWarningDaysBeforeSuspension { get; init; } = 7;

    public static CertificationPolicy Default { get; } = new();

    /// <summary>The largest warning offset: the start of the warning window (status <c>due</c>).</summary>
    public int WarningWindowDays => WarningDaysBefore.Max();

    public bool IsGraded(DateOnly birthDate, IReadOnlyCollection<string> flags, DateOnly on) =>
        Ages.On(birthDate, on) >= GradedFromAge || flags.Any(GradedFlags.Contains);

    public bool IsKeyPopulation(DateOnly birthDate, IReadOnlyCollection<string> flags, DateOnly on) =>
        flags.Count > 0 || Ages.On(birthDate, on) >= KeyPopulationFromAge;

    /// <summary>Rules 2-4: the period for one piece of evidence for one person and programme.</summary>
    public Period PeriodFor(Strength strength, bool graded, int? programmeCapMonths)
    {
        var months = (strength, graded) switch
        {
            (Strength.Strong, false) => StrongMonths,
            (Strength.Weak, false) => WeakMonths,
            (Strength.Strong, true) => GradedStrongMonths,
            _ => GradedWeakMonths,
        };
        if (programmeCapMonths is int cap && cap < months)
        {
            return new Period(cap, $"programme-cap-{cap}m");
        }
        var name = strength == Strength.Strong ? "strong" : "weak";
        return new Period(months, graded ? $"graded-{name}-{months}m" : $"{name}-{months}m");
    }

    public void Validate()
    {
        if (StrongMonths is < 1 or > 12 || WeakMonths < 1 || GradedStrongMonths < 1 || GradedWeakMonths < 1)
        {
            throw new ArgumentException("Certification periods are 1 to 12 months.");
        }
        if (WarningDaysBefore.IsDefaultOrEmpty || WarningDaysBefore.Any(d => d < 1))
        {
            throw new ArgumentException("Warning offsets are whole days before the deadline, at least 1.");
        }
        if (MinimumWarningDaysBeforeSuspension < 0)
        {
            throw new ArgumentException("The minimum warning before suspension cannot be negative.");
        }
    }
}

/// <summary>
/// A benefit programme run by a department; <see cref="MaxPeriodMonths"/> caps its period (rule 4); no payroll exists for
/// a month before <see cref="StartMonth"/>.
/// </summary>
public sealed record ProgrammeDefinition(string Code, string Department, string Name, int? MaxPeriodMonths = null, YearMonth? StartMonth = null);
