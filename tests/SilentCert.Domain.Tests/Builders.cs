using System.Globalization;
using System.Text.Json;

namespace SilentCert.Domain.Tests;

/// <summary>Instants and dates in China Standard Time, written out explicitly: no test reads a clock.</summary>
internal static class Cst
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateTimeOffset At(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, Offset);

    /// <summary>Local midnight at the start of <paramref name="date"/>, built here rather than by the code under test.</summary>
    public static DateTimeOffset Midnight(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), Offset);

    public static DateTimeOffset Midnight(int year, int month, int day) => Midnight(new DateOnly(year, month, day));

    public static DateOnly Date(int year, int month, int day) => new(year, month, day);
}

/// <summary>The programmes the tests enrol people in; two carry a cap (rule 4).</summary>
internal static class Programmes
{
    public const string Pension = "pension-employee";
    public const string ElderlyAllowance = "elderly-allowance";
    public const string Dibao = "dibao";
    public const string DisabilitySubsidy = "disability-subsidy";

    public static readonly ProgrammeDefinition PensionDefinition = new(Pension, "human-resources", "城镇职工基本养老保险");

    /// <summary>A province following the 180-day practice: capped at 6 months.</summary>
    public static readonly ProgrammeDefinition ElderlyAllowanceDefinition = new(ElderlyAllowance, "civil-affairs", "高龄津贴", MaxPeriodMonths: 6);

    public static readonly ProgrammeDefinition DibaoDefinition = new(Dibao, "civil-affairs", "最低生活保障");

    /// <summary>Capped at 3 months: lower than every default period except the graded weak one.</summary>
    public static readonly ProgrammeDefinition DisabilitySubsidyDefinition = new(DisabilitySubsidy, "disabled-persons", "残疾人两项补贴", MaxPeriodMonths: 3);

    public static CertificationRules Rules(CertificationPolicy? policy = null) =>
        new(policy ?? CertificationPolicy.Default,
            [PensionDefinition, ElderlyAllowanceDefinition, DibaoDefinition, DisabilitySubsidyDefinition]);
}

/// <summary>Enrolment requests and enrolled people.</summary>
internal static class People
{
    /// <summary>Aged 65 in 2026: not graded by age anywhere in the tests' window.</summary>
    public static readonly DateOnly BornIn1960 = new(1960, 5, 10);

    public static EnrolmentRequest Request(DateOnly enrolledOn, DateOnly? birthDate = null, IReadOnlyCollection<string>? flags = null,
        params string[] programmes)
    {
        var birth = birthDate ?? BornIn1960;
        var lines = (programmes.Length == 0 ? [Programmes.Pension] : programmes)
            .Select(code => new EnrolmentLine(code, 2_000.00m, YearMonth.Of(enrolledOn)))
            .ToList();
        return new EnrolmentRequest(IdNumber.Compose("340102", birth, 1).Masked, birth, "张三", "340102", "13800000000", flags, lines, enrolledOn);
    }

    /// <summary>Enrols a new person; the call is made at <paramref name="now"/> (by default 10:00 local on the enrolment date).</summary>
    public static Beneficiary Enrol(this CertificationRules rules, DateOnly enrolledOn, DateTimeOffset? now = null, DateOnly? birthDate = null,
        IReadOnlyCollection<string>? flags = null, params string[] programmes) =>
        rules.Enrol(null, Request(enrolledOn, birthDate, flags, programmes), now ?? Cst.Midnight(enrolledOn).AddHours(10));

    public static ProgrammeEnrolment Programme(this Beneficiary person, string code = Programmes.Pension) =>
        person.Programmes.Single(p => p.Programme == code);

    /// <summary>Runs <see cref="CertificationRules.Evaluate"/> at each instant in turn.</summary>
    public static Beneficiary EvaluateAt(this CertificationRules rules, Beneficiary person, params DateTimeOffset[] instants) =>
        instants.Aggregate(person, (current, instant) => rules.Evaluate(current, instant));
}

/// <summary>Positive records as sources send them.</summary>
internal static class Evidence
{
    public static Observation Strong(string id, DateTimeOffset observedAt, string source = "face-selfservice") =>
        new(source, id, observedAt, Strength.Strong);

    public static Observation Weak(string id, DateTimeOffset observedAt, string source = "bank-counter") =>
        new(source, id, observedAt, Strength.Weak);
}

/// <summary>History entries in a short, readable form, so that a test lists exactly the decisions it expects.</summary>
internal static class HistoryText
{
    /// <summary>
    /// Event, programme, rule (for renewals and resumptions, whose rule names the brief fixes), deadline, days before,
    /// effective date and cause (for renewals and resumptions).
    /// </summary>
    public static string Describe(HistoryEntry entry)
    {
        var withRuleAndCause = entry.Event is HistoryEvents.Renewed or HistoryEvents.Resumed;
        var parts = new List<string> { entry.Event };
        if (entry.Programme is not null) parts.Add(entry.Programme);
        if (withRuleAndCause) parts.Add($"rule={entry.Rule}");
        if (entry.Deadline is DateOnly deadline) parts.Add($"deadline={Iso(deadline)}");
        if (entry.DaysBefore is int days) parts.Add($"days={days}");
        if (entry.EffectiveFrom is DateOnly from) parts.Add($"from={Iso(from)}");
        if (withRuleAndCause) parts.Add($"cause={entry.Cause}");
        return string.Join(' ', parts);
    }

    /// <summary>The entries <paramref name="after"/> added to <paramref name="before"/>'s history.</summary>
    public static string[] Added(Beneficiary before, Beneficiary after)
    {
        Assert.True(after.History.Length >= before.History.Length, "The history is append-only (rule 15).");
        for (var i = 0; i < before.History.Length; i++)
        {
            Assert.Equal(before.History[i], after.History[i]);
        }
        return [.. after.History.Skip(before.History.Length).Select(Describe)];
    }

    public static string[] All(Beneficiary person) => [.. person.History.Select(Describe)];

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// States compared by value: the records hold <c>ImmutableArray</c>s, whose equality is by reference, so two states are
/// equal here when their JSON is.
/// </summary>
internal static class StateJson
{
    public static string Of(Beneficiary person) => JsonSerializer.Serialize(person);

    public static void Equal(Beneficiary expected, Beneficiary actual) => Assert.Equal(Of(expected), Of(actual));
}
