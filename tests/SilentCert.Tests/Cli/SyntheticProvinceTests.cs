using System.Text.Json;
using SilentCert.Cli;
using SilentCert.Domain;

namespace SilentCert.Tests.Cli;

// Proves the synthetic province generator (issue 5): deterministic from its seed; valid, unique ID numbers in Anhui's
// divisions; every record passes the API's validation; the Gansu channel mix; CSV and NDJSON carry the same records.
public sealed class SyntheticProvinceTests
{
    private static readonly YearMonth First = new(2026, 1);

    private sealed record Output(ProvinceSummary Summary, string Enrolments, IReadOnlyDictionary<YearMonth, string> Evidence);

    private static Output Generate(int people, int months, int seed, bool ndjson = false)
    {
        var enrolments = new StringWriter();
        var evidence = new SortedDictionary<YearMonth, StringWriter>();
        var summary = SyntheticProvince.Generate(new ProvinceOptions(people, months, seed, First, ndjson), enrolments, month => evidence[month] = new StringWriter());
        return new Output(summary, enrolments.ToString(), evidence.ToDictionary(e => e.Key, e => e.Value.ToString()));
    }

    private static EvidenceInput[] Records(string csv) =>
    [
        .. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(',')).Select(f =>
            new EvidenceInput(f[0], f[1], f[2], f[3], f[4], f[5].Length == 0 ? null : f[5])),
    ];

    [Fact]
    public void The_same_seed_gives_the_same_province_and_another_seed_another()
    {
        var a = Generate(500, 2, seed: 11);
        var b = Generate(500, 2, seed: 11);
        var c = Generate(500, 2, seed: 12);

        Assert.Equal(a.Enrolments, b.Enrolments);
        Assert.Equal(a.Evidence, b.Evidence);
        Assert.NotEqual(a.Enrolments, c.Enrolments);
    }

    [Fact]
    public void Every_person_has_a_valid_unique_ID_number_in_Anhui_and_enrols_as_the_API_expects()
    {
        var output = Generate(3_000, 1, seed: 3);

        var lines = output.Enrolments.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<JsonElement>(l)).ToList();
        Assert.Equal(3_000, lines.Count);
        var ids = lines.Select(l => l.GetProperty("idNumber").GetString()!).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        foreach (var line in lines)
        {
            Assert.True(IdNumber.TryParse(line.GetProperty("idNumber").GetString(), out var id, out _));
            Assert.Contains(line.GetProperty("region").GetString(), SyntheticProvince.Regions);
            Assert.Equal(id!.Region, line.GetProperty("region").GetString());
            Assert.InRange(Ages.On(id.BirthDate, First.FirstDay), 60, 100);
            var enrolledOn = DateOnly.ParseExact(line.GetProperty("enrolledOn").GetString()!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(enrolledOn, First.FirstDay.AddDays(-365), First.FirstDay.AddDays(-1));
            var programmes = line.GetProperty("enrolments").EnumerateArray().Select(e => e.GetProperty("programme").GetString()).ToList();
            Assert.Single(programmes, p => p is "pension-resident" or "pension-employee");
            Assert.Equal(Ages.On(id.BirthDate, enrolledOn) >= 80, programmes.Contains("elderly-allowance"));
            Assert.All(line.GetProperty("flags").EnumerateArray(), f => Assert.Contains(f.GetString()!, PersonFlags.All));
        }
        // Everyone 80 or over (on the enrolment date) draws the elderly allowance; disabled people the disability subsidy.
        Assert.All(lines.Where(l => l.GetProperty("flags").EnumerateArray().Any(f => f.GetString() == PersonFlags.Disabled)),
            l => Assert.Contains(l.GetProperty("enrolments").EnumerateArray(), e => e.GetProperty("programme").GetString() == "disability-subsidy"));
    }

    [Fact]
    public void Every_record_passes_the_APIs_validation_and_the_channel_mix_is_Gansus()
    {
        var output = Generate(20_000, 2, seed: 5);
        var afterwards = ChinaTime.StartOf(First.AddMonths(2).FirstDay);

        var records = output.Evidence.Values.SelectMany(Records).ToList();
        Assert.Equal(output.Summary.Records, records.Count);
        var valid = records.Select(r => EvidenceValidation.TryValidate(r, SourceCatalogue.Default, afterwards, out var v, out var error)
            ? v! : throw new Xunit.Sdk.XunitException($"{r.SourceRecordId}: {error}")).ToList();
        Assert.Equal(valid.Count, valid.Select(v => (v.Source.Code, v.SourceRecordId)).Distinct().Count());

        // Gansu reached 97 % through data matching and self-service; visits and the rest are few.
        var strong = valid.Where(v => v.Source.Strength == Strength.Strong).ToList();
        var silentOrSelf = strong.Count(v => v.Source.Channel is Channel.DataMatch or Channel.SelfService);
        Assert.InRange((double)silentOrSelf / strong.Count, 0.97, 0.995);
        // About 2 % of people never certify; about 0.1 % of person-months bring a death record, and few of those are true.
        Assert.InRange(output.Summary.Silent, 300, 500);
        var deaths = valid.Count(v => v.Source.Kind == EvidenceKind.Negative);
        Assert.InRange(deaths, 20, 60);
        Assert.All(valid.Where(v => v.Source.Kind == EvidenceKind.Negative), v => Assert.NotNull(v.DeathDate));
        Assert.InRange(output.Summary.ReallyDead, 0, 5);
    }

    [Fact]
    public void Csv_and_ndjson_carry_the_same_records()
    {
        var csv = Generate(1_000, 2, seed: 9);
        var ndjson = Generate(1_000, 2, seed: 9, ndjson: true);

        var fromCsv = csv.Evidence.Values.SelectMany(Records).ToList();
        var fromJson = ndjson.Evidence.Values.SelectMany(t => t.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Select(l => JsonSerializer.Deserialize<EvidenceInput>(l, new JsonSerializerOptions(JsonSerializerDefaults.Web))!).ToList();

        Assert.NotEmpty(fromCsv);
        Assert.Equal(fromCsv, fromJson);
    }
}
