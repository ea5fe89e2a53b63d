using System.Collections.Frozen;

namespace SilentCert.Domain;

public enum EvidenceKind
{
    Positive,
    Negative,
}

public enum Strength
{
    Strong,
    Weak,
}

/// <summary>How a certification reached us, as the operators count it (Gansu: 97 % by the first two).</summary>
public enum Channel
{
    /// <summary>Silent matching of another department's data (travel, medical visits, pushes).</summary>
    DataMatch,
    /// <summary>The person certified themselves (face recognition in an app or at a terminal).</summary>
    SelfService,
    /// <summary>Staff visited the person (上门认证).</summary>
    DoorToDoor,
    /// <summary>The person came to a counter: enrolment, other business in person.</summary>
    InPerson,
}

/// <summary>
/// One entry of the source catalogue: what a record from this source says about a person, and the department that
/// provides it (who gets a correction notice when its record proves wrong, and whose data quality operators see).
/// </summary>
public sealed record SourceDefinition(string Code, EvidenceKind Kind, Strength? Strength, Channel Channel, string? Department = null)
{
    public static SourceDefinition Positive(string code, Strength strength, Channel channel, string? department = null) =>
        new(code, EvidenceKind.Positive, strength, channel, department);

    public static SourceDefinition Negative(string code, string? department = null) => new(code, EvidenceKind.Negative, null, Channel.DataMatch, department);
}

/// <summary>The configured sources, by code. Enrolment is always present: it is an in-person act (rule 5).</summary>
public sealed class SourceCatalogue
{
    public const string EnrolmentSource = "enrolment";

    private readonly FrozenDictionary<string, SourceDefinition> _sources;

    public SourceCatalogue(IEnumerable<SourceDefinition> sources)
    {
        var all = sources.ToDictionary(s => s.Code, StringComparer.Ordinal);
        foreach (var source in all.Values)
        {
            if (source.Kind == EvidenceKind.Positive && source.Strength is null)
            {
                throw new ArgumentException($"Source '{source.Code}' is positive and needs a strength.", nameof(sources));
            }
        }
        all[EnrolmentSource] = SourceDefinition.Positive(EnrolmentSource, Strength.Strong, Channel.InPerson);
        _sources = all.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<SourceDefinition> All => _sources.Values;

    public bool TryGet(string code, out SourceDefinition source) => _sources.TryGetValue(code, out source!);

    /// <summary>The department that provides a source's records; the source itself where none is configured.</summary>
    public string DepartmentOf(string code) => TryGet(code, out var source) && source.Department is { } department ? department : code;

    /// <summary>The default catalogue of DOMAIN.md; a province configures its own.</summary>
    public static SourceCatalogue Default { get; } = new(
    [
        SourceDefinition.Positive("face-selfservice", Strength.Strong, Channel.SelfService),
        SourceDefinition.Positive("door-to-door", Strength.Strong, Channel.DoorToDoor),
        SourceDefinition.Positive("counter-visit", Strength.Strong, Channel.InPerson),
        SourceDefinition.Positive("travel-realname", Strength.Strong, Channel.DataMatch),
        SourceDefinition.Positive("medical-visit", Strength.Strong, Channel.DataMatch),
        SourceDefinition.Positive("cross-region-assist", Strength.Strong, Channel.DataMatch),
        SourceDefinition.Positive("national-push", Strength.Strong, Channel.DataMatch),
        SourceDefinition.Positive("vaccination", Strength.Weak, Channel.DataMatch),
        SourceDefinition.Positive("bank-counter", Strength.Weak, Channel.DataMatch),
        SourceDefinition.Positive("utility-payment", Strength.Weak, Channel.DataMatch),
        SourceDefinition.Positive("community-report", Strength.Weak, Channel.DataMatch),
        SourceDefinition.Negative("death-civil-affairs", "civil-affairs"),
        SourceDefinition.Negative("death-health", "health"),
        SourceDefinition.Negative("deregistration-police", "public-security"),
    ]);
}
