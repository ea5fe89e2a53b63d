using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SilentCert.Cli;
using SilentCert.Grains;
using SilentCert.Tests.Api;
using SilentCert.Tests.Infrastructure;
using static SilentCert.Tests.Api.ApiRequests;

namespace SilentCert.Tests.Cli;

// Proves exchange-file ingest (issue 5): each line validated as the API validates, counted once as accepted, duplicate,
// rejected (with line and reason in the rejects file) or unknown; a re-run changes nothing; malformed files load
// nothing; and the command joins the cluster as an Orleans client and applies what it loads.
public sealed class IngestTests(IngestTests.Node node) : IClassFixture<IngestTests.Node>
{
    public sealed class Node() : ApiNode(Local(2026, 3, 1, 9));

    private readonly HttpClient _client = node.Client;

    private static string TempFile(byte[] content, string extension = ".csv")
    {
        var path = Path.Combine(Path.GetTempPath(), $"silentcert-ingest-{Guid.NewGuid():N}{extension}");
        File.WriteAllBytes(path, content);
        return path;
    }

    private async Task<(IngestSummary Summary, string[] Rejects)> Ingest(string path)
    {
        var rejects = new StringWriter();
        var clock = node.Node.Services.GetRequiredService<IGrainFactory>().GetGrain<SilentCert.Contracts.IClusterClockGrain>(0);
        var summary = await ExchangeFileIngest.RunAsync(path, node.Node.Services.GetRequiredService<EvidenceIntake>(), () => clock.Now(), rejects);
        return (summary, rejects.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Every_line_counts_once_rejects_name_line_and_reason_and_a_rerun_changes_nothing()
    {
        var enrolled = People.NewIdNumber(new DateOnly(1950, 10, 10));
        var key = await _client.Enrol(enrolled, new DateOnly(2025, 6, 1));
        var stranger = People.NewIdNumber(new DateOnly(1950, 11, 11));
        var file = new MemoryStream();
        void Line(string text) => file.Write(Encoding.UTF8.GetBytes(text));
        Line("source,sourceRecordId,idNumber,observedAt,region,deathDate\n");
        Line($"travel-realname,T-{key[^8..]},{enrolled.Value},2026-02-10T08:00:00+08:00,340102,\n");       // 2: accepted
        Line($"medical-visit,M-{key[^8..]},{stranger.Value},2026-02-11T08:00:00+08:00,,\n");              // 3: unknown person
        Line("medical-visit,M-bad,340102195001011230,2026-02-11T08:00:00+08:00,,\n");                    // 4: bad check character
        file.Write([0x6d, 0x65, 0xff, 0xfe, 0x2c, 0x0a]);                                                // 5: not UTF-8
        Line($"travel-realname,T-{key[^8..]},{enrolled.Value},2026-02-10T08:00:00+08:00,340102,\n");       // 6: duplicate of 2
        Line($"medical-visit,M-cut,{enrolled.Value[..10]}");                                              // 7: cut short, no line break
        var path = TempFile(file.ToArray());

        var (first, rejects) = await Ingest(path);

        Assert.Equal(new IngestSummary(Accepted: 1, Duplicates: 1, Rejected: 3, UnknownPersons: 1), first);
        Assert.Equal("line\treason", rejects[0]);
        Assert.Equal(4, rejects.Length);
        Assert.StartsWith("4\tidNumber: ", rejects[1], StringComparison.Ordinal);
        Assert.StartsWith("5\tline is not UTF-8", rejects[2], StringComparison.Ordinal);
        Assert.StartsWith("7\tline has 3 fields where the header has 6", rejects[3], StringComparison.Ordinal);
        Assert.All(rejects, r => Assert.DoesNotContain(enrolled.Value, r, StringComparison.Ordinal));
        // Rule 1: travel on 2026-02-10 renews to 2027-02-10.
        var view = await _client.View(key);
        Assert.Equal("2027-02-10", view.GetProperty("programmes")[0].GetProperty("deadline").GetString());

        var (again, _) = await Ingest(path);
        Assert.Equal(new IngestSummary(Accepted: 0, Duplicates: 2, Rejected: 3, UnknownPersons: 1), again);
        Assert.Equal(view.GetRawText(), (await _client.View(key)).GetRawText());
    }

    [Fact]
    public async Task A_run_stopped_between_storing_a_batch_and_its_grain_calls_is_finished_by_running_the_file_again()
    {
        var id = People.NewIdNumber(new DateOnly(1950, 12, 12));
        var key = await _client.Enrol(id, new DateOnly(2025, 6, 1));
        var observed = new DateTimeOffset(2026, 2, 12, 8, 0, 0, TimeSpan.FromHours(8));
        // The first run stored the record in the evidence log, then was killed before calling the grain.
        await node.Node.Services.GetRequiredService<SilentCert.Data.EvidenceLog>().AppendAsync(
            [new SilentCert.Data.EvidenceRow("medical-visit", $"M-{key[^8..]}", key, observed, null, null, false)], DateTimeOffset.UtcNow);
        Assert.Equal("2026-06-01", (await _client.View(key)).GetProperty("programmes")[0].GetProperty("deadline").GetString());

        var (summary, _) = await Ingest(TempFile(Encoding.UTF8.GetBytes(
            $"source,sourceRecordId,idNumber,observedAt,region,deathDate\nmedical-visit,M-{key[^8..]},{id.Value},{Instant(observed)},,\n")));

        // The record counts as a duplicate, and the grain has applied it: rule 1, 2026-02-12 + 12 months.
        Assert.Equal(new IngestSummary(0, 1, 0, 0), summary);
        Assert.Equal("2027-02-12", (await _client.View(key)).GetProperty("programmes")[0].GetProperty("deadline").GetString());
        Assert.Equal(0L, await node.Database.Count("select count(*) from evidence_log where person_key = $1 and not applied", key));
    }

    [Fact]
    public async Task A_spreadsheet_export_loads_and_records_are_checked_against_the_clusters_clock()
    {
        var id = People.NewIdNumber(new DateOnly(1951, 3, 3));
        var key = await _client.Enrol(id, new DateOnly(2025, 6, 1));
        // A byte-order mark, CRLF line ends and a blank line; the cluster's (manual) clock stands at 2026-03-01 09:00.
        var path = TempFile([.. new byte[] { 0xEF, 0xBB, 0xBF }, .. Encoding.UTF8.GetBytes(
            "source,sourceRecordId,idNumber,observedAt,region,deathDate\r\n" +
            $"medical-visit,M-{key[^8..]},{id.Value},2026-02-25T08:00:00+08:00,,\r\n" +
            "\r\n" +
            $"travel-realname,T-{key[^8..]},{id.Value},2026-04-01T08:00:00+08:00,,\r\n")]);

        var (summary, rejects) = await Ingest(path);

        Assert.Equal(new IngestSummary(1, 0, 2, 0), summary);
        Assert.Equal("3\tline is empty", rejects[1]);
        Assert.StartsWith("4\tobservedAt: lies in the future (after 2026-03-01T09:00:00+08:00)", rejects[2], StringComparison.Ordinal);
        Assert.Equal("2027-02-25", (await _client.View(key)).GetProperty("programmes")[0].GetProperty("deadline").GetString());
    }

    [Fact]
    public async Task Ndjson_records_load_like_csv_ones()
    {
        var id = People.NewIdNumber(new DateOnly(1951, 1, 1));
        var key = await _client.Enrol(id, new DateOnly(2025, 6, 1));
        var path = TempFile(Encoding.UTF8.GetBytes(
            $$"""{"source":"face-selfservice","sourceRecordId":"F-{{key[^8..]}}","idNumber":"{{id.Value}}","observedAt":"2026-02-20T09:00:00+08:00"}""" + "\n" +
            "{not json\n"), ".ndjson");

        var (summary, rejects) = await Ingest(path);

        Assert.Equal(new IngestSummary(1, 0, 1, 0), summary);
        Assert.StartsWith("2\tline is not a JSON object", rejects[1], StringComparison.Ordinal);
        Assert.Equal("2027-02-20", (await _client.View(key)).GetProperty("programmes")[0].GetProperty("deadline").GetString());
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("source;sourceRecordId;idNumber\nx;y;z\n", "line 1 is neither the CSV header")]
    public async Task A_file_that_cannot_be_read_loads_nothing_and_says_why(string content, string reason)
    {
        var before = await node.Database.Count("select count(*) from evidence_log");

        var e = await Assert.ThrowsAsync<ExchangeFileException>(() => Ingest(TempFile(Encoding.UTF8.GetBytes(content))));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await node.Database.Count("select count(*) from evidence_log"));
    }

    [Fact]
    public async Task The_command_joins_the_cluster_as_a_client_and_prints_the_summary()
    {
        var id = People.NewIdNumber(new DateOnly(1952, 2, 2));
        var key = await _client.Enrol(id, new DateOnly(2025, 6, 1));
        var path = TempFile(Encoding.UTF8.GetBytes("source,sourceRecordId,idNumber,observedAt,region,deathDate\n" +
            $"medical-visit,M-{key[^8..]},{id.Value},2026-02-15T08:00:00+08:00,,\nvaccination,V-1,not-an-id,2026-02-15T08:00:00+08:00,,\n"));
        var (output, error) = (new StringWriter(), new StringWriter());

        var exit = await IngestCommand.RunAsync([path, "--rejects", path + ".rejects"], output, error,
            TestConfiguration.Settings(node.Database.ConnectionString, new Dictionary<string, string?>
            {
                ["Orleans:ClusterId"] = node.Node.ClusterId,
                ["Orleans:ServiceId"] = node.Node.ClusterId,
            }));

        Assert.True(exit == 0, error.ToString());
        Assert.Equal(["accepted: 1", "duplicates: 0", $"rejected: 1 (lines and reasons in {path}.rejects)", "unknown persons: 0"],
            output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
        Assert.Equal("2027-02-15", (await _client.View(key)).GetProperty("programmes")[0].GetProperty("deadline").GetString());
        Assert.StartsWith("3\tidNumber:", File.ReadAllLines(path + ".rejects")[1], StringComparison.Ordinal);
    }
}
