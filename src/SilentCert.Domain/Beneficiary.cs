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
    public const string CaseOpened = "case-opened";
    public const string CaseJoined = "case-joined";
    public const string Held = "held";
    public const string Conflicting = "conflicting";
    public const string Confirmed = "confirmed";
    public const string Refuted = "refuted";
    public const string Released = "released";
    public const string VisitNotFound = "visit-not-found";
    public const string VisitEscalated = "visit-escalated";
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

    /// <summary>Every verification case of the person, in the order they were opened; at most one is open.</summary>
    public ImmutableArray<VerificationCase> Cases { get; init; } = [];

    [JsonIgnore]
    public VerificationCase? OpenCase => Cases.FirstOrDefault(c => c.IsOpen);

    /// <summary>Every door-to-door visit task of the person, oldest first; one per deadline.</summary>
    public ImmutableArray<VisitTask> VisitTasks { get; init; } = [];

    /// <summary>
    /// Rule 12: an open case is conflicting when strong positive evidence was observed after the reported death date
    /// (likely a data error): payments carry on.
    /// </summary>
    [JsonIgnore]
    public bool IsConflicting => OpenCase is { } open && LatestStrong is { } strong && strong.ObservedOn > open.ReportedDeathDate;

    /// <summary>Rule 12: an open, non-conflicting case holds every payment.</summary>
    [JsonIgnore]
    public bool IsHeld => OpenCase is not null && !IsConflicting;

    /// <summary>
    /// What an enrolment is owed month by month as the state says now (rule 14's input): the payroll's read model is
    /// published from this. Entitlement to every programme ends with the month of a confirmed death (rule 13).
    /// </summary>
    public Entitlement EntitlementOf(ProgrammeEnrolment p) =>
        new(p.StartMonth, p.MonthlyAmount, p.SuspendedFrom is DateOnly from ? YearMonth.Of(from) : null,
            DateOfDeath is DateOnly died ? YearMonth.Of(died) : null, IsHeld);

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
