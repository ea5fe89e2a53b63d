using System.Globalization;
using SilentCert.Domain;

namespace SilentCert.Tests.EndToEnd;

/// <summary>China Standard Time for the script (rule 7), written out here rather than borrowed from the product.</summary>
public static class When
{
    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    private static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"];

    /// <summary><c>2026-01-05T09:00</c> is a China local time; text with <c>Z</c> or an offset means what it says.</summary>
    public static DateTimeOffset At(string text) =>
        text.EndsWith('Z') || text[^6] is '+' or '-'
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture)
            : new DateTimeOffset(DateTime.ParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None), China);

    public static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The China date of an instant: a day ends at local midnight, 16:00 UTC.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(China).DateTime);

    public static DateTimeOffset Midnight(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), China);

    public static string Text(DateTimeOffset instant) => instant.ToOffset(China).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Text(DateOnly? date) => date is DateOnly d ? Text(d) : "-";
}

/// <summary>One evidence record as the script sends it; <see cref="ObservedAt"/> is the wire text, offset and all.</summary>
public sealed record EvidenceRecord(string Source, string RecordId, string ObservedAt, string? DeathDate = null, string? RejectedBecause = null);

public abstract record Act(DateTimeOffset At);

/// <summary>An enrolment, or an update of it when the person is already enrolled (rule 5: an in-person act).</summary>
public sealed record EnrolAct(DateTimeOffset At, DateOnly EnrolledOn, IReadOnlyList<string> Programmes, IReadOnlyList<string>? Flags) : Act(At);

/// <summary>Records arriving at <see cref="Act.At"/>; every record of every person arriving at one instant goes in one POST.</summary>
public sealed record SendAct(DateTimeOffset At, IReadOnlyList<EvidenceRecord> Records) : Act(At);

/// <summary>A hand-worked expectation at an instant: for one programme, or (programme null) for the person and all programmes.</summary>
public sealed record HandCheck(DateTimeOffset At, string? Programme, string Status, DateOnly? Deadline, DateOnly? SuspendedFrom, bool StatusOnly = false);

public sealed record HandWarning(DateOnly Deadline, int DaysBefore, DateTimeOffset CreatedAt, IReadOnlyList<string>? Programmes);

public sealed record HandResumption(DateTimeOffset At, DateOnly From, string? Programme);

/// <summary>One person of the cast: who they are, what happens to them, and (for the headline people) what the rules say follows.</summary>
public sealed class Person(string code, string exercises, DateOnly birthDate, IdNumber id)
{
    public string Code { get; } = code;

    /// <summary>Which rules this person exercises, in words.</summary>
    public string Exercises { get; } = exercises;

    public DateOnly BirthDate { get; } = birthDate;

    public IdNumber Id { get; } = id;

    public List<Act> Acts { get; } = [];

    public List<HandCheck> Checks { get; } = [];

    /// <summary>Every warning the person has had by the end of the walk; null for the crowd (the model alone speaks for them).</summary>
    public List<HandWarning>? FinalWarnings { get; private set; }

    /// <summary>Every resumption by the end of the walk; null for the crowd.</summary>
    public List<HandResumption>? FinalResumptions { get; private set; }

    /// <summary>The programmes the person holds at the end, in order of enrolment.</summary>
    public IReadOnlyList<string> Programmes =>
        [.. Acts.OfType<EnrolAct>().SelectMany(a => a.Programmes).Distinct()];

    public Person Enrol(string at, string enrolledOn, params string[] programmes) =>
        Add(new EnrolAct(When.At(at), When.Date(enrolledOn), programmes, null));

    public Person Enrol(string at, string enrolledOn, string[] flags, params string[] programmes) =>
        Add(new EnrolAct(When.At(at), When.Date(enrolledOn), programmes, flags));

    public Person Send(string at, params EvidenceRecord[] records) => Add(new SendAct(When.At(at), records));

    /// <summary>Person status <paramref name="status"/>, and every programme <paramref name="status"/> with this deadline and suspension.</summary>
    public Person Expect(string at, string status, string deadline, string? suspendedFrom = null)
    {
        Checks.Add(new HandCheck(When.At(at), null, status, When.Date(deadline), suspendedFrom is null ? null : When.Date(suspendedFrom)));
        return this;
    }

    public Person ExpectProgramme(string at, string programme, string status, string deadline, string? suspendedFrom = null)
    {
        Checks.Add(new HandCheck(When.At(at), programme, status, When.Date(deadline), suspendedFrom is null ? null : When.Date(suspendedFrom)));
        return this;
    }

    /// <summary>The person's own status only (the most severe of their programmes').</summary>
    public Person ExpectStatus(string at, string status)
    {
        Checks.Add(new HandCheck(When.At(at), null, status, null, null, StatusOnly: true));
        return this;
    }

    /// <summary>A warning for all of the person's programmes.</summary>
    public Person Warned(string deadline, int daysBefore, string createdAt) => Warned(deadline, daysBefore, createdAt, null);

    public Person Warned(string deadline, int daysBefore, string createdAt, string[]? programmes)
    {
        FinalWarnings ??= [];
        FinalWarnings.Add(new HandWarning(When.Date(deadline), daysBefore, When.At(createdAt), programmes));
        return this;
    }

    public Person NeverWarned()
    {
        FinalWarnings ??= [];
        return this;
    }

    /// <summary>A resumption (rule 10) of every programme, or of one.</summary>
    public Person Resumed(string at, string from, string? programme = null)
    {
        FinalResumptions ??= [];
        FinalResumptions.Add(new HandResumption(When.At(at), When.Date(from), programme));
        return this;
    }

    public Person NeverResumed()
    {
        FinalResumptions ??= [];
        return this;
    }

    public override string ToString() => Code;

    private Person Add(Act act)
    {
        Acts.Add(act);
        return this;
    }
}

/// <summary>What a person looks like at an instant, from the product or from the expectation model, in one comparable shape.</summary>
public sealed record PersonState(
    string Status,
    string LastCertification,
    IReadOnlyList<ProgrammeState> Programmes,
    IReadOnlyList<WarningNote> Warnings,
    IReadOnlyList<Decision> Decisions,
    IReadOnlyList<OtherNote> OtherNotes)
{
    public ProgrammeState? Programme(string code) => Programmes.FirstOrDefault(p => p.Programme == code);

    /// <summary>Status and programmes on one line: what changes from day to day.</summary>
    public string Headline =>
        $"{Status} last={LastCertification} | " + string.Join(" | ", Programmes.OrderBy(p => p.Programme, StringComparer.Ordinal).Select(p => p.ToString()));
}

public sealed record ProgrammeState(string Programme, string Status, DateOnly Deadline, DateOnly? SuspendedFrom)
{
    public override string ToString() => $"{Programme} {Status} deadline={When.Text(Deadline)} suspendedFrom={When.Text(SuspendedFrom)}";
}

/// <summary>A warning as the notifications endpoint lists it; <see cref="Programmes"/> sorted.</summary>
public sealed record WarningNote(DateOnly Deadline, int DaysBefore, DateTimeOffset CreatedAt, IReadOnlyList<string> Programmes)
{
    public override string ToString() =>
        $"warning {When.Text(Deadline)}/{DaysBefore}d at {When.Text(CreatedAt)} [{string.Join(",", Programmes)}]";
}

/// <summary>A notification of another kind than a warning (visit tasks, rule 8).</summary>
public sealed record OtherNote(string Kind, DateOnly? Deadline, DateTimeOffset CreatedAt);

/// <summary>
/// A decision of rules 8-10 from the person's history: warned, overdue, suspended, resumed. (Renewals are checked
/// through the deadline itself; how many renewal entries one batch makes is not a rule.) A resumption is compared
/// without its deadline, which is the same as the programme's.
/// </summary>
public sealed record Decision(string Event, string Programme, DateOnly? Deadline, int? DaysBefore, DateOnly? EffectiveFrom, DateTimeOffset At)
{
    public override string ToString() =>
        $"{Event} {Programme} deadline={When.Text(Deadline)} days={DaysBefore?.ToString(CultureInfo.InvariantCulture) ?? "-"} from={When.Text(EffectiveFrom)} at {When.Text(At)}";
}
