using Npgsql;
using Orleans.Runtime;
using SilentCert.Grains;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Storage;

// Proves the batching reminder table on PostgreSQL without a silo: upserts made together each get their version as
// etag and bump it on re-registration; a reminder reads back exactly; reads and deletes made together each get their
// own answer; a delete needs the current etag; both range reads use the range index alone; a ring range
// (begin, end] returns exactly the reminders whose uniform hash lies in it, in the ring's unsigned order, wrapping or
// not; each service sees its own rows. (Reminders firing through it are proved by OrleansProviderTests and the grain tests.)
public sealed class BatchingReminderTableTests
{
    private static readonly DateTime Start = new(2026, 3, 1, 1, 0, 0, DateTimeKind.Utc);

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(TestDatabase.Create().ConnectionString);

    private BatchingReminderTable Table(string serviceId = "svc") => new(_dataSource, serviceId);

    private static GrainId Id(int n) => GrainId.Create("beneficiary", $"ben-{n:x64}");

    private static ReminderEntry Entry(int n, string name = "wake", int hours = 1) =>
        new() { GrainId = Id(n), ReminderName = name, StartAt = Start.AddMinutes(n), Period = TimeSpan.FromHours(hours) };

    [Fact]
    public async Task Upserts_made_together_get_versions_and_read_back_exactly()
    {
        var table = Table();

        var first = await Task.WhenAll(Enumerable.Range(1, 200).Select(n => table.UpsertRow(Entry(n))));
        var again = await Task.WhenAll(table.UpsertRow(Entry(7, hours: 2)), table.UpsertRow(Entry(7, "other")));

        Assert.All(first, etag => Assert.Equal("1", etag));
        Assert.Equal(("2", "1"), (again[0], again[1]));
        var read = await table.ReadRow(Id(7), "wake");
        Assert.Equal((Id(7), "wake", Start.AddMinutes(7), TimeSpan.FromHours(2), "2"), (read!.GrainId, read.ReminderName, read.StartAt, read.Period, read.ETag));
        Assert.Equal(DateTimeKind.Utc, read.StartAt.Kind);
        Assert.Equal(["other", "wake"], (await table.ReadRows(Id(7))).Reminders.Select(r => r.ReminderName).Order(StringComparer.Ordinal));
        Assert.Null(await table.ReadRow(Id(999), "wake"));
    }

    [Fact]
    public async Task A_delete_needs_the_current_etag()
    {
        var table = Table();
        await table.UpsertRow(Entry(1));
        await table.UpsertRow(Entry(1));

        var results = await Task.WhenAll(table.RemoveRow(Id(1), "wake", "1"), table.RemoveRow(Id(2), "wake", "1"));
        Assert.Equal([false, false], results);
        Assert.NotNull(await table.ReadRow(Id(1), "wake"));

        Assert.True(await table.RemoveRow(Id(1), "wake", "2"));
        Assert.Null(await table.ReadRow(Id(1), "wake"));
    }

    [Fact]
    public async Task Reads_and_deletes_made_together_each_get_their_own_answer()
    {
        var table = Table();
        await Task.WhenAll(Enumerable.Range(1, 100).Select(n => table.UpsertRow(Entry(n))));

        // Reads of grains 1-150 at once: the first 100 have their reminder, the rest none.
        var reads = await Task.WhenAll(Enumerable.Range(1, 150).Select(n => table.ReadRow(Id(n), "wake")));
        Assert.All(reads.Take(100).Select((r, i) => (r, n: i + 1)), x => Assert.Equal((Id(x.n), Start.AddMinutes(x.n), "1"), (x.r!.GrainId, x.r.StartAt, x.r.ETag)));
        Assert.All(reads.Skip(100), Assert.Null);

        // Deletes at once: odd grains with the current etag, even ones with a stale, a malformed or no reminder.
        var deletes = await Task.WhenAll(Enumerable.Range(1, 120).Select(n => table.RemoveRow(Id(n), "wake", n % 2 == 1 ? "1" : n % 4 == 0 ? "2" : "abc")));
        Assert.Equal(Enumerable.Range(1, 120).Select(n => n % 2 == 1 && n <= 100), deletes);
        var left = await Task.WhenAll(Enumerable.Range(1, 100).Select(n => table.ReadRows(Id(n))));
        Assert.Equal(Enumerable.Range(1, 100).Select(n => n % 2 == 0 ? 1 : 0), left.Select(l => l.Reminders.Count));
    }

    [Fact]
    public async Task Both_range_reads_are_served_by_the_range_index_alone()
    {
        var table = Table();
        await Task.WhenAll(Enumerable.Range(1, 50).Select(n => table.UpsertRow(Entry(n))));
        await using var connection = await _dataSource.OpenConnectionAsync();
        foreach (var setup in new[] { "vacuum analyze orleans_reminder", "set enable_seqscan = off", "set enable_bitmapscan = off" })
        {
            await using var command = new NpgsqlCommand(setup, connection);
            await command.ExecuteNonQueryAsync();
        }
        foreach (var sql in new[] { BatchingReminderTable.RangeSql, BatchingReminderTable.WrappingRangeSql })
        {
            await using var explain = new NpgsqlCommand("explain (costs off) " + sql, connection);
            explain.Parameters.Add(new NpgsqlParameter { Value = "svc" });
            explain.Parameters.Add(new NpgsqlParameter { Value = -5 });
            explain.Parameters.Add(new NpgsqlParameter { Value = 5 });
            var plan = new List<string>();
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
            var scans = plan.Where(line => line.Contains("Scan", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(scans);
            Assert.All(scans, line => Assert.Contains("Index Only Scan using orleans_reminder_range", line, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_ring_range_returns_exactly_the_reminders_whose_hash_lies_in_it()
    {
        var table = Table();
        await Task.WhenAll(Enumerable.Range(1, 300).Select(n => table.UpsertRow(Entry(n))));
        await Table("other-service").UpsertRow(Entry(1));
        var hashes = Enumerable.Range(1, 300).ToDictionary(Id, n => Id(n).GetUniformHashCode());

        // (begin, end] in the ring's unsigned order: within the lower half, across the middle (where the signed order
        // wraps), wrapping past the top, and the whole ring.
        foreach (var (begin, end) in new (uint, uint)[] { (0x1000_0000, 0x6000_0000), (0x4000_0000, 0xC000_0000), (0xC000_0000, 0x4000_0000), (0, 0), (0x8000_0000, 0x8000_0000) })
        {
            var expected = hashes.Where(h => begin < end ? h.Value > begin && h.Value <= end : h.Value > begin || h.Value <= end)
                .Select(h => h.Key.ToString()).Order(StringComparer.Ordinal);
            var read = (await table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId.ToString()).Order(StringComparer.Ordinal);
            Assert.Equal(expected, read);
        }
    }
}
