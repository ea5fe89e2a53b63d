using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using SilentCert.Domain;

namespace SilentCert.Cli;

/// <summary>What to generate: <see cref="People"/> beneficiaries and <see cref="Months"/> months of evidence from <see cref="FirstMonth"/>.</summary>
public sealed record ProvinceOptions(int People, int Months, int Seed, YearMonth FirstMonth, bool Ndjson = false);

/// <summary>How many of each thing one generation wrote, for the summary line and for tests.</summary>
public sealed record ProvinceSummary(int People, long Records, IReadOnlyDictionary<string, long> RecordsBySource, int Silent, int ReallyDead);

/// <summary>
/// A synthetic province, deterministic from a seed: people with valid ID numbers in Anhui's division codes, ages and
/// flags like a pension population, a programme mix, and months of evidence in the Gansu channel mix — most people
/// certified silently by data matching, a few by self-service or door-to-door, a small share with no evidence at all, and
/// a few death records of which most are wrong (Gansu: 2,579 suspects, 59 confirmed; 004_116b5da4177195b0.txt).
/// </summary>
public static class SyntheticProvince
{
    /// <summary>County-level divisions of Anhui (GB/T 2260), one or two per prefecture.</summary>
    public static readonly string[] Regions =
    [
        "340102", "340104", "340111", "340202", "340302", "340402", "340503", "340602", "340702", "340802",
        "341002", "341102", "341202", "341302", "341502", "341602", "341702", "341802",
    ];

    private static readonly string[] DataMatchSources = ["travel-realname", "medical-visit", "medical-visit", "national-push", "cross-region-assist"];
    private static readonly string[] WeakSources = ["bank-counter", "utility-payment", "vaccination", "community-report"];
    private static readonly string[] DeathSources = ["death-health", "death-civil-affairs", "deregistration-police"];

    // Per person and month. Data matching dominates; self-service next; visits only for key-population people.
    private const double DataMatchRate = 0.30;
    private const double SelfServiceRate = 0.02;
    private const double WeakRate = 0.08;
    private const double DoorToDoorRate = 0.02;
    private const double SilentShare = 0.02;
    private const double DeathRecordRate = 0.001;
    private const double TrueDeathShare = 59.0 / 2579.0;

    // Names stay readable Chinese in the file rather than \u escapes.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private sealed class Person(IdNumber id, string region, string[] flags, bool silent)
    {
        public IdNumber Id { get; } = id;
        public string Region { get; } = region;
        public string[] Flags { get; } = flags;
        public bool Silent { get; } = silent;
        public DateOnly? DiedOn { get; set; }
    }

    /// <summary>
    /// Writes one enrolment per person (the API's enrolment body, one JSON object a line) to <paramref name="enrolments"/>,
    /// then each month's evidence (CSV with a header, or NDJSON) to the writer <paramref name="evidenceFor"/> gives.
    /// </summary>
    public static ProvinceSummary Generate(ProvinceOptions options, TextWriter enrolments, Func<YearMonth, TextWriter> evidenceFor)
    {
        var random = new Random(options.Seed);
        var people = new List<Person>(options.People);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var start = options.FirstMonth.FirstDay;
        while (people.Count < options.People)
        {
            var region = Regions[random.Next(Regions.Length)];
            // Pensioners from 60 to 100, fewer with every year of age.
            var age = 60 + (int)Math.Min(40, -Math.Log(1 - random.NextDouble()) * 9);
            var birth = start.AddYears(-age - 1).AddDays(1 + random.Next(365)); // aged exactly `age` on the first day
            var id = IdNumber.Compose(region, birth, random.Next(1000));
            if (!ids.Add(id.Value))
            {
                continue;
            }
            var person = new Person(id, region, Flags(random), random.NextDouble() < SilentShare);
            people.Add(person);
            WriteEnrolment(enrolments, person, people.Count, random, start);
        }

        var bySource = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long records = 0;
        for (var m = 0; m < options.Months; m++)
        {
            var month = options.FirstMonth.AddMonths(m);
            var writer = evidenceFor(month);
            if (!options.Ndjson)
            {
                writer.WriteLine("source,sourceRecordId,idNumber,observedAt,region,deathDate");
            }
            for (var i = 0; i < people.Count; i++)
            {
                var person = people[i];
                if (person.Silent || person.DiedOn is not null)
                {
                    continue;
                }
                void Emit(string source, DateOnly? deathDate = null)
                {
                    var observed = Instant(month, random);
                    var recordId = $"{source[..2].ToUpperInvariant()}-{month.Year}{month.Month:00}-{i + 1}-{bySource.GetValueOrDefault(source)}";
                    var died = deathDate is not null ? Max(person.Id.BirthDate, ChinaTime.DateOf(observed).AddDays(-random.Next(10))) : (DateOnly?)null;
                    WriteRecord(writer, options.Ndjson, source, recordId, person, observed, died);
                    bySource[source] = bySource.GetValueOrDefault(source) + 1;
                    records++;
                }
                if (random.NextDouble() < DataMatchRate) Emit(DataMatchSources[random.Next(DataMatchSources.Length)]);
                if (random.NextDouble() < SelfServiceRate) Emit("face-selfservice");
                if (random.NextDouble() < WeakRate) Emit(WeakSources[random.Next(WeakSources.Length)]);
                if (IsKeyPopulation(person, month) && random.NextDouble() < DoorToDoorRate) Emit("door-to-door");
                if (random.NextDouble() < DeathRecordRate)
                {
                    Emit(DeathSources[random.Next(DeathSources.Length)], month.FirstDay);
                    if (random.NextDouble() < TrueDeathShare)
                    {
                        person.DiedOn = month.FirstDay; // No positive evidence from the next month on.
                    }
                }
            }
            writer.Flush();
        }
        return new ProvinceSummary(people.Count, records, bySource, people.Count(p => p.Silent), people.Count(p => p.DiedOn is not null));
    }

    private static string[] Flags(Random random)
    {
        var roll = random.NextDouble();
        return roll switch
        {
            < 0.01 => [PersonFlags.Bedridden],
            < 0.02 => [PersonFlags.Incapacitated],
            < 0.03 => [PersonFlags.MajorIllness],
            < 0.08 => [PersonFlags.Disabled],
            < 0.12 => [PersonFlags.EmptyNest],
            _ => [],
        };
    }

    private static bool IsKeyPopulation(Person person, YearMonth month) =>
        person.Flags.Length > 0 || Ages.On(person.Id.BirthDate, month.FirstDay) >= 80;

    /// <summary>
    /// Everyone draws a pension (resident 70 %, employee 30 %); 80 and over also the elderly allowance; disabled people
    /// the disability subsidy; 5 % dibao. Enrolled on a day in the twelve months before the first month, so deadlines
    /// spread over the first year.
    /// </summary>
    private static void WriteEnrolment(TextWriter writer, Person person, int number, Random random, DateOnly start)
    {
        var enrolledOn = start.AddDays(-1 - random.Next(365));
        var startMonth = YearMonth.Of(enrolledOn).ToString();
        var lines = new List<object>();
        lines.Add(random.NextDouble() < 0.7
            ? new { programme = "pension-resident", monthlyAmount = Money(random, 150, 400), startMonth }
            : new { programme = "pension-employee", monthlyAmount = Money(random, 2000, 5000), startMonth });
        if (Ages.On(person.Id.BirthDate, enrolledOn) >= 80) lines.Add(new { programme = "elderly-allowance", monthlyAmount = Money(random, 50, 100), startMonth });
        if (person.Flags.Contains(PersonFlags.Disabled)) lines.Add(new { programme = "disability-subsidy", monthlyAmount = Money(random, 80, 120), startMonth });
        if (random.NextDouble() < 0.05) lines.Add(new { programme = "dibao", monthlyAmount = Money(random, 500, 800), startMonth });
        writer.WriteLine(JsonSerializer.Serialize(new
        {
            idNumber = person.Id.Value,
            name = $"居民{number}",
            region = person.Region,
            phone = $"13{random.Next(100_000_000, 999_999_999)}",
            flags = person.Flags,
            enrolments = lines,
            enrolledOn = enrolledOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }, Json));
    }

    private static void WriteRecord(TextWriter writer, bool ndjson, string source, string recordId, Person person, DateTimeOffset observed, DateOnly? deathDate)
    {
        var observedAt = observed.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var died = deathDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (ndjson)
        {
            writer.WriteLine(JsonSerializer.Serialize(new { source, sourceRecordId = recordId, idNumber = person.Id.Value, observedAt, region = person.Region, deathDate = died }, Json));
        }
        else
        {
            writer.WriteLine($"{source},{recordId},{person.Id.Value},{observedAt},{person.Region},{died}");
        }
    }

    /// <summary>A local instant in the month, between 07:00 and 21:00 China time.</summary>
    private static DateTimeOffset Instant(YearMonth month, Random random) =>
        ChinaTime.StartOf(month.FirstDay.AddDays(random.Next(DateTime.DaysInMonth(month.Year, month.Month)))).AddMinutes(7 * 60 + random.Next(14 * 60));

    private static decimal Money(Random random, int from, int to) => Math.Round(from + (decimal)random.NextDouble() * (to - from), 2);

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}
