using SilentCert.Cli;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Cli;

// Proves every part of the benchmark still runs end to end (issue 5: CI runs a tiny bench so that it never rots). It
// asserts what was measured and decided, never how fast: timing belongs to scripts/bench.sh, not to tests.
public sealed class BenchmarkTests
{
    [Fact]
    public async Task A_tiny_ingest_bench_measures_both_paths_on_the_same_records()
    {
        var database = TestDatabase.Create();

        var figures = await Benchmark.RunIngestAsync(300, 1, TestConfiguration.Settings(database.ConnectionString), TextWriter.Null);

        Assert.Equal(["silo_start_to_ready_s", "enrol_per_s", "ingest_records_per_s", "sql_baseline_records_per_s", "ingest_vs_sql_ratio", "ingest_commits_per_record", "ingest_silo_cpu_share", "ingest_machine_cpu_share", "bench_process_rss_mb"],
            figures.Select(f => f.Name));
        Assert.All(figures, f => Assert.True(f.Value > 0 && double.IsFinite(f.Value), $"{f.Name} = {f.Value}"));
        // Both paths loaded the same evidence: the grain path's records are in the log, the baseline's in its own table.
        Assert.Equal(300L, await database.ScalarAsync<long>("select count(*) from beneficiary"));
        // A month of evidence for 300 people, most of them certified silently: there is some to compare.
        Assert.True(await database.ScalarAsync<long>("select count(*) from evidence_log where not negative") > 0);
        Assert.Equal(await database.ScalarAsync<long>("select count(*) from evidence_log where not negative"),
            await database.ScalarAsync<long>("select count(*) from baseline_evidence"));
    }

    [Fact]
    public async Task A_tiny_month_end_bench_suspends_the_overdue_tenth_both_ways()
    {
        var database = TestDatabase.Create();

        var figures = (await Benchmark.RunMonthEndAsync(300, TestConfiguration.Settings(database.ConnectionString), TextWriter.Null))
            .ToDictionary(f => f.Name, f => f.Value);

        // Every tenth person's deadline (15 January 2026) passed: suspended from 1 February (rule 9), by grains and by SQL.
        Assert.Equal(300, figures["monthend_people"]);
        Assert.Equal(30, figures["monthend_suspended"]);
        Assert.Equal(30L, await database.ScalarAsync<long>("select count(*) from enrolment_status where suspended_from = date '2026-02-01'"));
        Assert.Equal(0L, await database.ScalarAsync<long>("select count(*) from enrolment_status where suspended_from <> date '2026-02-01'"));
        Assert.Equal(30L, await database.ScalarAsync<long>("select count(*) from baseline_monthend where suspended_from = date '2026-02-01'"));
        Assert.True(figures["monthend_s"] > 0 && figures["monthend_sql_s"] > 0);
        Assert.Equal(figures["monthend_s"] / figures["monthend_sql_s"], figures["monthend_vs_sql_ratio"], 6);
    }

    [Fact]
    public async Task A_tiny_reminder_bench_reads_every_reminder_it_wrote()
    {
        var database = TestDatabase.Create();

        var figures = (await Benchmark.RunRemindersAsync(2000, TestConfiguration.Settings(database.ConnectionString), TextWriter.Null))
            .ToDictionary(f => f.Name, f => f.Value);

        Assert.Equal(2000, figures["reminders_registered"]);
        // One registered by a beneficiary grain itself, the rest copied from it; none has fired yet.
        Assert.Equal(2000L, await database.ScalarAsync<long>("select count(*) from orleans_reminder where reminder_name = 'wake' and start_time > now()"));
        Assert.True(figures["reminder_refresh_s"] > 0 && figures["silo_rss_mb"] > 0 && figures["silo_start_to_ready_with_reminders_s"] > 0);
    }

    [Fact]
    public async Task A_tiny_view_bench_loads_the_view_and_healthz_with_wrk_or_says_how_to_get_it()
    {
        var database = TestDatabase.Create();
        var settings = TestConfiguration.Settings(database.ConnectionString);
        var hasWrk = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "wrk")));
        if (!hasWrk)
        {
            // scripts/test.sh installs wrk when it runs as root; a user who cannot gets the way to it, not a stack of errors.
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Benchmark.RunViewAsync(50, TimeSpan.FromSeconds(1), settings, TextWriter.Null));
            Assert.Contains("apt-get install wrk", refused.Message, StringComparison.Ordinal);
            return;
        }

        var figures = (await Benchmark.RunViewAsync(50, TimeSpan.FromSeconds(1), settings, TextWriter.Null)).ToDictionary(f => f.Name, f => f.Value);

        Assert.Equal(["view_p50_ms", "view_p99_ms", "view_requests_per_s", "healthz_p50_ms", "healthz_p99_ms", "view_p99_vs_healthz"], figures.Keys);
        Assert.True(figures["view_p50_ms"] > 0 && figures["view_p99_ms"] >= figures["view_p50_ms"]);
        Assert.True(figures["healthz_p50_ms"] > 0 && figures["healthz_p99_ms"] >= figures["healthz_p50_ms"]);
        Assert.Equal(figures["view_p99_ms"] / figures["healthz_p99_ms"], figures["view_p99_vs_healthz"], 6);
        Assert.Equal(50L, await database.ScalarAsync<long>("select count(*) from beneficiary"));
    }

    [Fact]
    public void Wrks_report_is_read_in_milliseconds_and_a_failed_request_voids_it()
    {
        const string Report = """
            Running 10s test @ http://127.0.0.1:40000/
              2 threads and 16 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     1.02ms    1.10ms  26.71ms   91.37%
                Req/Sec     8.05k   612.33     9.10k    70.00%
              Latency Distribution
                 50%  729.00us
                 75%    1.05ms
                 90%    1.83ms
                 99%    1.20s
              160251 requests in 10.00s, 90.31MB read
            Requests/sec:  16019.32
            Transfer/sec:      9.03MB
            """;

        Assert.Equal(new Benchmark.LoadResult(0.729, 1200, 16019.32), Benchmark.ParseWrk(Report));
        Assert.Null(Benchmark.ParseWrk(Report.Replace("Requests/sec", "  Non-2xx or 3xx responses: 3\nRequests/sec", StringComparison.Ordinal)));
        Assert.Null(Benchmark.ParseWrk(Report.Replace("Requests/sec", "  Socket errors: connect 0, read 2, write 0, timeout 0\nRequests/sec", StringComparison.Ordinal)));
    }
}
