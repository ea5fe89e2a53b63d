using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using SilentCert.Grains;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Storage;

// Proves the batching grain storage on PostgreSQL without a silo: many grains' first writes made together (written in
// batches: BatcherTests) each get version 1; reads made together each get their own row, a cleared one or none; in one
// batch, a write with a stale etag is refused alone while the others are written; a second service's rows are its own.
public sealed class BatchingGrainStorageTests
{
    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly NpgsqlDataSource _dataSource;

    public BatchingGrainStorageTests() => _dataSource = NpgsqlDataSource.Create(_database.ConnectionString);

    public sealed class Note
    {
        public string Text { get; set; } = "";
    }

    private BatchingGrainStorage Storage(string serviceId = "svc") =>
        new(_dataSource, new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions())), serviceId);

    private static GrainId Id(int n) => GrainId.Create("probe", $"ben-{n:x64}");

    [Fact]
    public async Task First_writes_of_many_grains_made_together_each_get_version_one()
    {
        var storage = Storage();
        var states = Enumerable.Range(1, 300).Select(n => new GrainState<Note>(new Note { Text = $"n{n}" })).ToList();

        await Task.WhenAll(states.Select((state, i) => storage.WriteStateAsync("note", Id(i + 1), state)));

        Assert.All(states, s => Assert.Equal("1", s.ETag));
        Assert.Equal(300L, await _database.ScalarAsync<long>(
            "select count(*) from orleans_grain_state where state_name = 'note' and version = 1 and convert_from(payload, 'UTF8')::jsonb ->> 'Text' = 'n' || ('x' || right(grain_key, 16))::bit(64)::bigint"));

        // Read back by a fresh reader: state, etag, existence.
        var read = new GrainState<Note>();
        await storage.ReadStateAsync("note", Id(7), read);
        Assert.Equal(("n7", "1", true), (read.State!.Text, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task Reads_made_together_each_get_their_own_state_or_none()
    {
        var storage = Storage();
        await Task.WhenAll(Enumerable.Range(1, 200).Select(n => storage.WriteStateAsync("note", Id(n), new GrainState<Note>(new Note { Text = $"n{n}" }))));
        var cleared = new GrainState<Note>();
        await storage.ReadStateAsync("note", Id(200), cleared);
        await storage.ClearStateAsync("note", Id(200), cleared);

        // Grains 1-199 were written once, 200 was written and cleared, 201-250 never written.
        var reads = Enumerable.Range(1, 250).Select(n => (N: n, State: new GrainState<Note>())).ToList();
        await Task.WhenAll(reads.Select(r => storage.ReadStateAsync("note", Id(r.N), r.State)));

        Assert.All(reads.Where(r => r.N < 200), r => Assert.Equal(($"n{r.N}", "1", true), (r.State.State!.Text, r.State.ETag, r.State.RecordExists)));
        Assert.Equal(("", "2", false), (reads[199].State.State!.Text, reads[199].State.ETag, reads[199].State.RecordExists));
        Assert.All(reads.Where(r => r.N > 200), r => Assert.Equal(("", null, false), (r.State.State!.Text, r.State.ETag, r.State.RecordExists)));
    }

    [Fact]
    public async Task A_stale_write_in_a_group_is_refused_alone()
    {
        var storage = Storage();
        var first = new GrainState<Note>(new Note { Text = "one" });
        await storage.WriteStateAsync("note", Id(1), first);

        // Grain 1 writes with etag 1 twice over: the first succeeds (version 2), the second, still claiming 1, is refused.
        // A blind first write of grain 1 is refused too; grain 2's first write, in the same groups, succeeds.
        var current = new GrainState<Note>(new Note { Text = "two" }, "1");
        var stale = new GrainState<Note>(new Note { Text = "stale" }, "1");
        var blind = new GrainState<Note>(new Note { Text = "blind" });
        var other = new GrainState<Note>(new Note { Text = "other" });
        var writes = new[]
        {
            storage.WriteStateAsync("note", Id(1), current), storage.WriteStateAsync("note", Id(1), stale),
            storage.WriteStateAsync("note", Id(1), blind), storage.WriteStateAsync("note", Id(2), other),
        };

        await writes[0];
        await Assert.ThrowsAsync<InconsistentStateException>(() => writes[1]);
        await Assert.ThrowsAsync<InconsistentStateException>(() => writes[2]);
        await writes[3];
        Assert.Equal("2", current.ETag);
        Assert.Equal("1", other.ETag);
        Assert.Equal("two", await _database.ScalarAsync<string>(
            "select convert_from(payload, 'UTF8')::jsonb ->> 'Text' from orleans_grain_state where grain_key = $1", Id(1).Key.ToString()!));
    }

    [Fact]
    public async Task Each_service_has_its_own_rows()
    {
        await Storage("a").WriteStateAsync("note", Id(1), new GrainState<Note>(new Note { Text = "a" }));
        await Storage("b").WriteStateAsync("note", Id(1), new GrainState<Note>(new Note { Text = "b" }));

        var read = new GrainState<Note>();
        await Storage("b").ReadStateAsync("note", Id(1), read);
        Assert.Equal(("b", "1"), (read.State!.Text, read.ETag));
        var missing = new GrainState<Note>();
        await Storage("c").ReadStateAsync("note", Id(1), missing);
        Assert.Equal((null, false), (missing.ETag, missing.RecordExists));
    }
}
