using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using SilentCert.Contracts;
using SilentCert.Domain;
using SilentCert.Gateway.Hosting;
using SilentCert.Grains;

namespace SilentCert.Cli;

/// <summary>One measured figure, printed as <c>name: value</c>.</summary>
public sealed record Figure(string Name, double Value, string Unit);

/// <summary>
/// The benchmark (issue 5): one node in this process on the PostgreSQL in <c>ConnectionStrings:Postgres</c>, a synthetic
/// province enrolled through the grains, its evidence files loaded through the grain path (the same intake as the API
/// and <c>silentcert ingest</c>), and the same records loaded by the obvious alternative, set-based SQL, on the same
/// database in the same run. Figures are rates and ratios measured side by side, never compared with another run.
/// </summary>
public static partial class Benchmark
{
    public static async Task<IReadOnlyList<Figure>> RunIngestAsync(int people, int months, IDictionary<string, string?> settings, TextWriter log,
        CancellationToken cancellationToken = default)
    {
        var figures = new List<Figure>();
        var work = Directory.CreateTempSubdirectory("silentcert-bench-");
        try
        {
            // Evidence of the months just past, so that none of it lies in the future for the node's (system) clock.
            var firstMonth = YearMonth.Of(ChinaTime.DateOf(DateTimeOffset.UtcNow)).AddMonths(-months);
            var files = new List<string>();
            var watch = Stopwatch.StartNew();
            using (var enrolments = new StreamWriter(Path.Combine(work.FullName, "enrolments.ndjson"), false, new UTF8Encoding(false)))
            {
                var writers = new List<StreamWriter>();
                SyntheticProvince.Generate(new ProvinceOptions(people, months, 1, firstMonth), enrolments, month =>
                {
                    files.Add(Path.Combine(work.FullName, $"evidence-{month}.csv"));
                    var writer = new StreamWriter(files[^1], false, new UTF8Encoding(false));
                    writers.Add(writer);
                    return writer;
                });
                writers.ForEach(w => w.Dispose());
            }
            log.WriteLine($"generated {people:N0} people and {months} months of evidence in {watch.Elapsed.TotalSeconds:F1} s");

            // From nothing to a silo ready to serve, the schema migrations of a fresh database included.
            var startWatch = Stopwatch.StartNew();
            await using var node = await StartNodeAsync(settings, cancellationToken);
            figures.Add(new Figure("silo_start_to_ready_s", startWatch.Elapsed.TotalSeconds, "s"));

            var commands = EnrolmentsIn(Path.Combine(work.FullName, "enrolments.ndjson"), node.Services.GetRequiredService<Pseudonymizer>());
            var enrolSeconds = await EnrolAsync(node, commands, cancellationToken);
            figures.Add(new Figure("enrol_per_s", commands.Count / enrolSeconds, "people/s"));
            log.WriteLine($"enrolled {commands.Count:N0} people through their grains in {enrolSeconds:F1} s");

            var intake = node.Services.GetRequiredService<EvidenceIntake>();
            var clock = node.Services.GetRequiredService<IGrainFactory>().GetGrain<IClusterClockGrain>(0);
            var dataSource = node.Services.GetRequiredService<NpgsqlDataSource>();
            long records = 0;
            var profiled = await ResetStatementsAsync(dataSource, cancellationToken);
            var commitsBefore = await ScalarAsync(dataSource, TransactionIdSql, cancellationToken);
            var cpu = CpuMeter.Start();
            watch.Restart();
            foreach (var file in files)
            {
                var summary = await ExchangeFileIngest.RunAsync(file, intake, () => clock.Now(), TextWriter.Null, null, cancellationToken);
                records += summary.Accepted;
            }
            var grainSeconds = watch.Elapsed.TotalSeconds;
            // Where the time goes: durable commits (each waits for its WAL flush) per record, counted as the transaction
            // IDs PostgreSQL handed out meanwhile (every writing transaction takes one; the background workers' few
            // are counted too).
            var grainCommits = await ScalarAsync(dataSource, TransactionIdSql, cancellationToken) - commitsBefore;
            var (siloCpu, machineCpu) = cpu.Shares();
            log.WriteLine($"loaded {records:N0} records through the grain path in {grainSeconds:F1} s ({grainCommits:N0} commits)");
            if (profiled)
            {
                await WriteTopStatementsAsync(dataSource, "the grain-path load", log, cancellationToken);
            }
            await using (var sizes = dataSource.CreateCommand(
                "select avg(octet_length(payload))::int, avg(pg_column_size(payload))::int from orleans_grain_state where state_name = 'beneficiary'"))
            await using (var reader = await sizes.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                log.WriteLine($"grain state: {reader.GetInt32(0):N0} bytes of JSON a person on average, {reader.GetInt32(1):N0} stored");
            }

            var baseline = await SqlBaselineAsync(dataSource, node.Services.GetRequiredService<Pseudonymizer>(),
                files, Path.Combine(work.FullName, "enrolments.ndjson"), cancellationToken);
            log.WriteLine($"loaded {baseline.Records:N0} records by set-based SQL in {baseline.Seconds:F1} s");

            figures.Add(new Figure("ingest_records_per_s", records / grainSeconds, "records/s"));
            figures.Add(new Figure("sql_baseline_records_per_s", baseline.Records / baseline.Seconds, "records/s"));
            figures.Add(new Figure("ingest_vs_sql_ratio", records / grainSeconds / (baseline.Records / baseline.Seconds), "(goal ≥ 0.5)"));
            figures.Add(new Figure("ingest_commits_per_record", (double)grainCommits / Math.Max(records, 1), "commits"));
            figures.Add(new Figure("ingest_silo_cpu_share", siloCpu, "of all cores"));
            figures.Add(new Figure("ingest_machine_cpu_share", machineCpu, "of all cores"));
            // Not yet the silo RSS with a million reminders: this process (silo and bench) after this run.
            figures.Add(new Figure("bench_process_rss_mb", Process.GetCurrentProcess().WorkingSet64 / 1024.0 / 1024.0, "MB"));
            await node.StopAsync(cancellationToken);
            return figures;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>A whole node (silo, stores, intake) in this process, its HTTP side on a free loopback port.</summary>
    private static async Task<WebApplication> StartNodeAsync(IDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration["Urls"] = "http://127.0.0.1:0";
        builder.Configuration["Orleans:SiloPort"] ??= FreePort().ToString(CultureInfo.InvariantCulture);
        builder.Configuration["Orleans:GatewayPort"] ??= FreePort().ToString(CultureInfo.InvariantCulture);
        builder.AddSilentCert();
        builder.Logging.AddFilter((_, level) => level >= LogLevel.Warning);
        // Standard output carries the figures only.
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var app = builder.Build();
        app.MapSilentCert();
        await app.StartAsync(cancellationToken);
        return app;
    }

    /// <summary>
    /// Where the processors went since <see cref="Start"/>: this process (silo and bench) and the whole machine (with
    /// PostgreSQL), each as a share of all cores.
    /// </summary>
    private sealed class CpuMeter
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private readonly TimeSpan _process = Process.GetCurrentProcess().TotalProcessorTime;
        private readonly (long Busy, long Total) _machine = MachineCpu();

        public static CpuMeter Start() => new();

        public (double Process, double Machine) Shares()
        {
            var process = (Process.GetCurrentProcess().TotalProcessorTime - _process).TotalSeconds / (_watch.Elapsed.TotalSeconds * Environment.ProcessorCount);
            var machine = MachineCpu();
            return (process, machine.Total == _machine.Total ? 0 : (double)(machine.Busy - _machine.Busy) / (machine.Total - _machine.Total));
        }

        /// <summary>Busy and total processor time of the whole machine so far, from /proc/stat (zeros where there is none).</summary>
        private static (long Busy, long Total) MachineCpu()
        {
            if (!File.Exists("/proc/stat")) return (0, 0);
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            var idle = fields[3] + fields[4]; // idle and iowait
            var total = fields.Take(8).Sum();
            return (total - idle, total);
        }
    }

    /// <summary>Writing transactions so far: the next transaction ID (exact at once, unlike the statistics views).</summary>
    private const string TransactionIdSql = "select pg_current_xact_id()::text::bigint";

    /// <summary>
    /// Starts PostgreSQL's own statement profile afresh (pg_stat_statements, when the server preloads it, as
    /// <c>scripts/bench.sh</c> asks); false where it is not available.
    /// </summary>
    private static async Task<bool> ResetStatementsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("create extension if not exists pg_stat_statements; select pg_stat_statements_reset()");
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (PostgresException)
        {
            return false;
        }
    }

    /// <summary>Where PostgreSQL's time went: the statements that took most of it, with calls and share of the total.</summary>
    private static async Task WriteTopStatementsAsync(NpgsqlDataSource dataSource, string during, TextWriter log, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            select calls, total_exec_time / sum(total_exec_time) over () as share, total_exec_time / calls as mean_ms,
                   regexp_replace(left(query, 100), '\s+', ' ', 'g')
            from pg_stat_statements where query not like '%pg_stat_statements%'
            order by total_exec_time desc limit 8
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        log.WriteLine($"PostgreSQL time by statement during {during} (pg_stat_statements):");
        while (await reader.ReadAsync(cancellationToken))
        {
            log.WriteLine($"  {reader.GetDouble(1),6:P1} {reader.GetInt64(0),9:N0} calls {reader.GetDouble(2),8:F3} ms  {reader.GetString(3)}");
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The enrolment bodies of a generated province, as grain keys and commands.</summary>
    private static List<(string Key, EnrolCommand Command)> EnrolmentsIn(string path, Pseudonymizer pseudonyms) =>
        [.. File.ReadLines(path).Select(line => JsonSerializer.Deserialize<JsonElement>(line)).Select(e =>
        {
            IdNumber.TryParse(e.GetProperty("idNumber").GetString(), out var id, out _);
            return (Key: pseudonyms.KeyOf(id!), Command: new EnrolCommand(id!.Masked, id.BirthDate, e.GetProperty("name").GetString()!, e.GetProperty("region").GetString()!,
                e.GetProperty("phone").GetString(), [.. e.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!)],
                [.. e.GetProperty("enrolments").EnumerateArray().Select(x => new EnrolmentItem(x.GetProperty("programme").GetString()!, x.GetProperty("monthlyAmount").GetDecimal(),
                    DateOnly.ParseExact(x.GetProperty("startMonth").GetString()! + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture)))],
                DateOnly.ParseExact(e.GetProperty("enrolledOn").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture)));
        })];

    /// <summary>Enrols everyone by calling their grains, 512 at a time (as the evidence intake calls them); returns the seconds it took.</summary>
    private static async Task<double> EnrolAsync(WebApplication node, IReadOnlyList<(string Key, EnrolCommand Command)> commands, CancellationToken cancellationToken)
    {
        var grains = node.Services.GetRequiredService<IGrainFactory>();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(commands, new ParallelOptions { MaxDegreeOfParallelism = 512, CancellationToken = cancellationToken },
            async (c, _) => await grains.GetGrain<IBeneficiaryGrain>(c.Key).Enrol(c.Command));
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The obvious alternative, on the same records and database: COPY each file into a staging table, insert into an
    /// evidence table skipping duplicates, then one <c>UPDATE … FROM</c> of a per-person deadline table (strong evidence
    /// + 12 months, weak + 6; the deadline never moves back). Reading the files (with the same reader) and computing the
    /// person keys count, as they do for the grain path; validation beyond parsing does not, which favours the baseline.
    /// </summary>
    private static async Task<(long Records, double Seconds)> SqlBaselineAsync(NpgsqlDataSource dataSource, Pseudonymizer pseudonyms, IReadOnlyList<string> files,
        string enrolments, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var setup = new NpgsqlCommand("""
            drop table if exists baseline_evidence, baseline_deadline;
            create table baseline_evidence (source text not null, source_record_id text not null, person_key text not null,
              observed_at timestamptz not null, strong boolean not null, primary key (source, source_record_id));
            create table baseline_deadline (person_key text primary key, deadline date not null);
            """, connection))
        {
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var seed = await connection.BeginBinaryImportAsync("copy baseline_deadline (person_key, deadline) from stdin (format binary)", cancellationToken))
        {
            foreach (var line in File.ReadLines(enrolments))
            {
                var e = JsonSerializer.Deserialize<JsonElement>(line);
                IdNumber.TryParse(e.GetProperty("idNumber").GetString(), out var id, out _);
                await seed.StartRowAsync(cancellationToken);
                await seed.WriteAsync(pseudonyms.KeyOf(id!), NpgsqlDbType.Text, cancellationToken);
                await seed.WriteAsync(DateOnly.ParseExact(e.GetProperty("enrolledOn").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddMonths(12), NpgsqlDbType.Date, cancellationToken);
            }
            await seed.CompleteAsync(cancellationToken);
        }

        var catalogue = SourceCatalogue.Default;
        long records = 0;
        var watch = Stopwatch.StartNew();
        foreach (var file in files)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var staging = new NpgsqlCommand("""
                create temp table baseline_staging (source text, source_record_id text, person_key text, observed_at timestamptz, strong boolean) on commit drop
                """, connection, transaction))
            {
                await staging.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var copy = await connection.BeginBinaryImportAsync("copy baseline_staging from stdin (format binary)", cancellationToken))
            {
                // The same reader as the grain path: reading and parsing the file cost both the same.
                await using var stream = File.OpenRead(file);
                foreach (var record in ExchangeFile.Read(stream, csv: true, visitColumn: false).Select(l => l.Record))
                {
                    if (record is null || !catalogue.TryGet(record.Source!, out var source) || source.Strength is not { } strength
                        || !IdNumber.TryParse(record.IdNumber, out var id, out _) || !Instants.TryParse(record.ObservedAt, out var observed))
                    {
                        continue; // negative records and anything unreadable: not the baseline's business
                    }
                    await copy.StartRowAsync(cancellationToken);
                    await copy.WriteAsync(record.Source, NpgsqlDbType.Text, cancellationToken);
                    await copy.WriteAsync(record.SourceRecordId, NpgsqlDbType.Text, cancellationToken);
                    await copy.WriteAsync(pseudonyms.KeyOf(id!), NpgsqlDbType.Text, cancellationToken);
                    await copy.WriteAsync(observed.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                    await copy.WriteAsync(strength == Strength.Strong, NpgsqlDbType.Boolean, cancellationToken);
                    records++;
                }
                await copy.CompleteAsync(cancellationToken);
            }
            await using (var apply = new NpgsqlCommand("""
                with inserted as (
                  insert into baseline_evidence select * from baseline_staging on conflict do nothing returning *)
                update baseline_deadline d set deadline = greatest(d.deadline, n.deadline)
                from (select person_key,
                             max(((observed_at at time zone 'Asia/Shanghai')::date + case when strong then interval '12 months' else interval '6 months' end)::date) as deadline
                      from inserted group by person_key) n
                where d.person_key = n.person_key
                """, connection, transaction))
            {
                await apply.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        return (records, watch.Elapsed.TotalSeconds);
    }
}
