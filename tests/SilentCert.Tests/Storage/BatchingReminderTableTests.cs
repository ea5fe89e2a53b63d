using Npgsql;
using Orleans.Runtime;
using SilentCert.Grains;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Storage;

// Proves the batching reminder table on PostgreSQL without a silo: upserts made together each get their version as
// etag and bump it on re-registration; a reminder reads back exactly; a delete needs the current etag; a ring range
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
