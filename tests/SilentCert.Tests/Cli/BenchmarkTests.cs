using SilentCert.Cli;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Cli;

// Proves the benchmark still runs end to end (issue 5: CI runs a tiny bench so that it never rots). It asserts what was
// measured, never how fast: timing belongs to scripts/bench.sh, not to tests.
public sealed class BenchmarkTests
{
    [Fact]
    public async Task A_tiny_bench_measures_every_figure()
    {
        var database = TestDatabase.Create();

        var figures = await Benchmark.RunAsync(300, 1, TestConfiguration.Settings(database.ConnectionString), TextWriter.Null);

        Assert.Equal(["silo_start_to_ready_s", "enrol_per_s", "ingest_records_per_s", "sql_baseline_records_per_s", "ingest_vs_sql_ratio", "ingest_commits_per_record", "ingest_silo_cpu_share", "ingest_machine_cpu_share", "bench_process_rss_mb"],
            figures.Select(f => f.Name));
        Assert.All(figures, f => Assert.True(f.Value > 0 && double.IsFinite(f.Value), $"{f.Name} = {f.Value}"));
        // Both paths loaded the same evidence: the grain path's records are in the log, the baseline's in its own table.
        Assert.Equal(300L, await database.ScalarAsync<long>("select count(*) from beneficiary"));
        Assert.Equal(await database.ScalarAsync<long>("select count(*) from evidence_log where not negative"),
            await database.ScalarAsync<long>("select count(*) from baseline_evidence"));
    }
}
