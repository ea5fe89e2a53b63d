using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace SilentCert.Domain;

/// <summary>One positive record as the rules see it: where it came from, when it was observed and how strong it is.</summary>
public sealed record Observation(string Source, string SourceRecordId, DateTimeOffset ObservedAt, Strength Strength)
{
    [JsonIgnore]
    public DateOnly ObservedOn => ChinaTime.DateOf(ObservedAt);

    [JsonIgnore]
    public string Cause => $"{Source}:{SourceRecordId}";

    /// <summary>Rule 5: enrolment is an in-person act that certifies as strong evidence on the enrolment date.</summary>
    public static Observation Enrolment(DateOnly enrolledOn) =>
        new(SourceCatalogue.EnrolmentSource, enrolledOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ChinaTime.StartOf(enrolledOn), Strength.Strong);

    /// <summary>A total order on observations, so that the order records arrive in never matters (rule 6).</summary>
    public static int Compare(Observation a, Observation b)
    {
        var byTime = a.ObservedAt.CompareTo(b.ObservedAt);
        if (byTime != 0) return byTime;
        var bySource = string.CompareOrdinal(a.Source, b.Source);
        return bySource != 0 ? bySource : string.CompareOrdinal(a.SourceRecordId, b.SourceRecordId);
    }
}

public enum CertificationStatus
{
    Certified,
    Due,
    Overdue,
    Suspended,
    Held,
    Terminated,
}

/// <summary>A suspension that ended because evidence certified the person again; all its months are owed (rule 10).</summary>
public sealed record SuspensionEpisode(DateOnly From, DateOnly ResumedOn, string ResumedBy);

/// <summary>
/// The person's standing in one programme. <see cref="Deadline"/> is the last day still certified, and
/// <see cref="DeadlineStrength"/> the strength of the evidence that set it. The warning fields belong to the current
/// deadline and are cleared when it moves.
/// </summary>
public sealed record ProgrammeEnrolment(
    string Programme,
    decimal MonthlyAmount,
    YearMonth StartMonth,
    DateOnly Deadline,
    ImmutableArray<int> WarnedDaysBefore,
    DateOnly? FirstWarnedOn,
    bool OverdueRecorded,
    DateOnly? SuspendedFrom,
    Strength DeadlineStrength = Strength.Strong)
{
    // Stored state outlives code: a field added later is absent from older state. So a collection added to the state
    // is an init property that defaults to empty, never a positional parameter (whose default would be a null array).
    public ImmutableArray<SuspensionEpisode> PastSuspensions { get; init; } = [];

    /// <summary>The last month of entitlement, once a death is confirmed (rule 13); null while the person is entitled.</summary>
    public YearMonth? EndsWith { get; init; }

    /// <summary>What the enrolment is owed month by month as the state says now (rule 14's input).</summary>
    [JsonIgnore]
    public Entitlement Entitlement => new(StartMonth, MonthlyAmount, SuspendedFrom is DateOnly from ? YearMonth.Of(from) : null, EndsWith);
}

/// <summary>One decision on the person's record: append-only (rule 15).</summary>
public sealed record HistoryEntry(
    DateTimeOffset At,
    string Event,
    string Cause,
    string Rule,
    string? Programme = null,
    DateOnly? Deadline = null,
    int? DaysBefore = null,
    DateOnly? EffectiveFrom = null);

public static class HistoryEvents
{
    public const string Enrolled = "enrolled";
    public const string Updated = "updated";
    public const string Renewed = "renewed";
    public const string Warned = "warned";
    public const string VisitTask = "visit-task";
    public const string Overdue = "overdue";
    public const string Suspended = "suspended";
    public const string Resumed = "resumed";
    public const string Terminated = "terminated";
}

/// <summary>
/// Everything the rules know about one beneficiary. Holds no ID number: only its masked form and the birth date.
/// </summary>
public sealed record Beneficiary(
    string MaskedIdNumber,
    DateOnly BirthDate,
    string Name,
    string Region,
    string? Phone,
    ImmutableSortedSet<string> Flags,
    DateOnly EnrolledOn,
    ImmutableArray<ProgrammeEnrolment> Programmes,
    Observation? LatestStrong,
    Observation? LatestWeak,
    ImmutableArray<HistoryEntry> History)
{
    /// <summary>The confirmed date of death (rule 13); null while the person is alive as far as anyone has confirmed.</summary>
    public DateOnly? DateOfDeath { get; init; }

    /// <summary>The most recent certification, strong before weak on the same instant.</summary>
    [JsonIgnore]
    public Observation? LastCertification =>
        (LatestStrong, LatestWeak) switch
        {
            (null, var weak) => weak,
            (var strong, null) => strong,
            var (strong, weak) => weak!.ObservedAt > strong!.ObservedAt ? weak : strong,
        };
}

/// <summary>What enrolment (or an update of it) says about a person. An update changes only what it sends.</summary>
public sealed record EnrolmentRequest(
    string MaskedIdNumber,
    DateOnly BirthDate,
    string Name,
    string Region,
    string? Phone,
    IReadOnlyCollection<string>? Flags,
    IReadOnlyList<EnrolmentLine> Enrolments,
    DateOnly EnrolledOn);

public sealed record EnrolmentLine(string Programme, decimal MonthlyAmount, YearMonth StartMonth);
