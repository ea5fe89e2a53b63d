using System.Globalization;
using System.Text;
using SilentCert.Domain;

namespace SilentCert.Cli;

/// <summary>
/// <c>silentcert generate --people N --months M [--seed S] [--first-month yyyy-MM] [--format csv|ndjson] --out DIR</c>;
/// <c>silentcert ingest FILE [--rejects FILE]</c>; <c>silentcert bench ingest|monthend|reminders|view …</c>.
/// </summary>
public static class Cli
{
    public static async Task<int> Main(string[] args) => args switch
    {
        ["generate", .. var rest] => Generate(rest),
        ["ingest", .. var rest] => await IngestCommand.RunAsync(rest, Console.Out, Console.Error),
        ["bench", "ingest", "--people", var people, "--months", var months] when Positive(people, out var n) && Positive(months, out var m)
            => await Bench(settings => Benchmark.RunIngestAsync(n, m, settings, Console.Error)),
        ["bench", "monthend", "--people", var people] when Positive(people, out var n)
            => await Bench(settings => Benchmark.RunMonthEndAsync(n, settings, Console.Error)),
        ["bench", "reminders", "--count", var count] when Positive(count, out var n)
            => await Bench(settings => Benchmark.RunRemindersAsync(n, settings, Console.Error)),
        ["bench", "view", "--people", var people, "--seconds", var seconds] when Positive(people, out var n) && Positive(seconds, out var s)
            => await Bench(settings => Benchmark.RunViewAsync(n, TimeSpan.FromSeconds(s), settings, Console.Error)),
        _ => Usage("unknown or missing command"),
    };

    private static int Generate(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }
        if (args.Length % 2 != 0 || options.Keys.Any(k => k is not ("--people" or "--months" or "--seed" or "--first-month" or "--format" or "--out")))
        {
            return Usage("each option takes one value");
        }
        if (!int.TryParse(options.GetValueOrDefault("--people"), out var people) || people < 1
            || !int.TryParse(options.GetValueOrDefault("--months"), out var months) || months < 1
            || !int.TryParse(options.GetValueOrDefault("--seed", "1"), out var seed)
            || !YearMonth.TryParse(options.GetValueOrDefault("--first-month", "2026-01"), out var firstMonth)
            || options.GetValueOrDefault("--format", "csv") is not ("csv" or "ndjson")
            || options.GetValueOrDefault("--out") is not { Length: > 0 } outDir)
        {
            return Usage("--people and --months are positive numbers, --seed a number, --first-month yyyy-MM, --format csv or ndjson, --out a folder");
        }
        var ndjson = options.GetValueOrDefault("--format") == "ndjson";
        Directory.CreateDirectory(outDir);
        var writers = new List<StreamWriter>();
        StreamWriter Open(string name)
        {
            var writer = new StreamWriter(Path.Combine(outDir, name), false, new UTF8Encoding(false));
            writers.Add(writer);
            return writer;
        }
        try
        {
            var summary = SyntheticProvince.Generate(new ProvinceOptions(people, months, seed, firstMonth, ndjson),
                Open("enrolments.ndjson"), month => Open($"evidence-{month}.{(ndjson ? "ndjson" : "csv")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{summary.People} people ({summary.Silent} never certified, {summary.ReallyDead} really dead), {summary.Records} evidence records in {months} months, written to {outDir}"));
            foreach (var (source, count) in summary.RecordsBySource)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {source}: {count}"));
            }
            return 0;
        }
        finally
        {
            writers.ForEach(w => w.Dispose());
        }
    }

    private static bool Positive(string text, out int value) => int.TryParse(text, out value) && value > 0;

    /// <summary>Runs a benchmark on the database and configuration of the environment; prints <c>name: value</c> lines last.</summary>
    private static async Task<int> Bench(Func<IDictionary<string, string?>, Task<IReadOnlyList<Figure>>> run)
    {
        var figures = await run(new Dictionary<string, string?>());
        foreach (var figure in figures)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{figure.Name}: {figure.Value:0.###}"));
        }
        return 0;
    }

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"silentcert: {problem}.");
        Console.Error.WriteLine("usage: silentcert generate --people N --months M [--seed S] [--first-month yyyy-MM] [--format csv|ndjson] --out DIR");
        Console.Error.WriteLine("       silentcert ingest FILE [--rejects FILE]");
        Console.Error.WriteLine("       silentcert bench ingest --people N --months M | monthend --people N | reminders --count N | view --people N --seconds S");
        Console.Error.WriteLine("       (scripts/bench.sh sets up a database for each)");
        return 2;
    }
}
