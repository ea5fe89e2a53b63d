using System.Collections.Immutable;
using SilentCert.Domain;

namespace SilentCert.Gateway.Hosting;

/// <summary><c>Clock</c>: the node's clock. Manual mode is for acceptance runs and policy simulations, off by default.</summary>
public sealed class ClockOptions
{
    public const string Section = "Clock";

    /// <summary><c>System</c> (default) or <c>Manual</c>.</summary>
    public string Mode { get; set; } = "System";

    /// <summary>Where a manual clock starts: an instant with offset.</summary>
    public DateTimeOffset? Start { get; set; }

    public bool IsManual => string.Equals(Mode, "Manual", StringComparison.OrdinalIgnoreCase);
}

/// <summary><c>Pseudonym</c>: the HMAC key that turns ID numbers into beneficiary IDs.</summary>
public sealed class PseudonymOptions
{
    public const string Section = "Pseudonym";

    /// <summary>The key, base64, at least 32 bytes. Production sets this from a secret store.</summary>
    public string? Key { get; set; }

    /// <summary>A file holding the key; created with a fresh random key if missing (development).</summary>
    public string? KeyFile { get; set; }
}

/// <summary><c>Policy</c>: the numbers of DOMAIN.md rules 1-9.</summary>
public sealed class PolicyOptions
{
    public const string Section = "Policy";

    public int StrongMonths { get; set; } = 12;
    public int WeakMonths { get; set; } = 6;
    public int GradedStrongMonths { get; set; } = 6;
    public int GradedWeakMonths { get; set; } = 3;
    public int GradedFromAge { get; set; } = 80;
    public List<string> GradedFlags { get; set; } = [];
    public List<int> WarningDaysBefore { get; set; } = [];
    public int MinimumWarningDaysBeforeSuspension { get; set; } = 7;
    public int KeyPopulationFromAge { get; set; } = 80;

    public CertificationPolicy ToPolicy()
    {
        var defaults = CertificationPolicy.Default;
        var unknown = GradedFlags.Where(f => !PersonFlags.All.Contains(f)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"Policy:GradedFlags names unknown flags: {string.Join(", ", unknown)}.");
        }
        var policy = new CertificationPolicy
        {
            StrongMonths = StrongMonths,
            WeakMonths = WeakMonths,
            GradedStrongMonths = GradedStrongMonths,
            GradedWeakMonths = GradedWeakMonths,
            GradedFromAge = GradedFromAge,
            GradedFlags = GradedFlags.Count > 0 ? [.. GradedFlags] : defaults.GradedFlags,
            WarningDaysBefore = WarningDaysBefore.Count > 0 ? [.. WarningDaysBefore.Distinct().OrderDescending()] : defaults.WarningDaysBefore,
            MinimumWarningDaysBeforeSuspension = MinimumWarningDaysBeforeSuspension,
            KeyPopulationFromAge = KeyPopulationFromAge,
        };
        policy.Validate();
        return policy;
    }
}

/// <summary>One entry of <c>Sources</c>, keyed by source code.</summary>
public sealed class SourceSettings
{
    /// <summary><c>positive</c> or <c>negative</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary><c>strong</c> or <c>weak</c>, for positive sources.</summary>
    public string? Strength { get; set; }

    /// <summary><c>data-match</c>, <c>self-service</c>, <c>door-to-door</c> or <c>in-person</c>.</summary>
    public string Channel { get; set; } = "data-match";

    /// <summary>The department that provides the records (gets correction notices; data quality is counted by it).</summary>
    public string? Department { get; set; }
}

/// <summary>One entry of <c>Programmes</c>, keyed by programme code.</summary>
public sealed class ProgrammeSettings
{
    public string Department { get; set; } = "";
    public string Name { get; set; } = "";
    public int? MaxPeriodMonths { get; set; }

    /// <summary>The programme's first payroll month, yyyy-MM (optional).</summary>
    public string? StartMonth { get; set; }
}

public static class CatalogueSettings
{
    public static SourceCatalogue ToCatalogue(IReadOnlyDictionary<string, SourceSettings> sources)
    {
        if (sources.Count == 0)
        {
            throw new InvalidOperationException("No Sources are configured: the source catalogue (cluster-config/sources.json) is missing.");
        }
        return new SourceCatalogue(sources.Select(pair =>
        {
            var (code, s) = (pair.Key, pair.Value);
            var channel = s.Channel switch
            {
                "data-match" => Channel.DataMatch,
                "self-service" => Channel.SelfService,
                "door-to-door" => Channel.DoorToDoor,
                "in-person" => Channel.InPerson,
                _ => throw new InvalidOperationException($"Sources:{code}:Channel must be data-match, self-service, door-to-door or in-person."),
            };
            return s.Kind switch
            {
                "positive" => SourceDefinition.Positive(code, s.Strength switch
                {
                    "strong" => Strength.Strong,
                    "weak" => Strength.Weak,
                    _ => throw new InvalidOperationException($"Sources:{code}:Strength must be strong or weak."),
                }, channel, s.Department),
                "negative" => SourceDefinition.Negative(code, s.Department),
                _ => throw new InvalidOperationException($"Sources:{code}:Kind must be positive or negative."),
            };
        }));
    }

    public static ImmutableArray<ProgrammeDefinition> ToProgrammes(IReadOnlyDictionary<string, ProgrammeSettings> programmes)
    {
        if (programmes.Count == 0)
        {
            throw new InvalidOperationException("No Programmes are configured (cluster-config/programmes.json).");
        }
        foreach (var code in programmes.Keys.Where(c => !c.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-')))
        {
            throw new InvalidOperationException($"Programme code '{code}' may hold only lower-case letters, digits and '-'.");
        }
        return [.. programmes.Select(p => new ProgrammeDefinition(p.Key, p.Value.Department, p.Value.Name, p.Value.MaxPeriodMonths, StartMonthOf(p.Key, p.Value)))];
    }

    private static YearMonth? StartMonthOf(string code, ProgrammeSettings programme)
    {
        if (programme.StartMonth is null) return null;
        return YearMonth.TryParse(programme.StartMonth, out var month)
            ? month
            : throw new InvalidOperationException($"Programmes:{code}:StartMonth must be a month written yyyy-MM.");
    }
}
