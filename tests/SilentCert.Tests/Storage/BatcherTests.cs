using Npgsql;
using SilentCert.Data;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Storage;

// Proves how the batcher forms batches, with a batch runner the test holds: what arrives while a batch runs goes in the
// next one, whole; one key is never twice in a batch and its items run in order; a batch the database refuses is run
// again item by item, so only the item it refuses fails, and any other failure fails the batch at once; no batch is
// larger than its limit. Pure logic, no database.
public sealed class BatcherTests
{
    /// <summary>A batch runner that records each batch and finishes it only when the test says so.</summary>
    private sealed class HeldRunner
    {
        private readonly List<TaskCompletionSource> _releases = [];

        public List<string[]> Batches { get; } = [];

        /// <summary>What the runner throws for a batch holding a given value; null when it succeeds.</summary>
        public Func<string, Exception?> Fails { get; init; } = _ => null;

        public Task<IReadOnlyList<string>> Run(IReadOnlyList<(string Key, string Value)> batch)
        {
            lock (Batches)
            {
                Batches.Add([.. batch.Select(b => b.Value)]);
                var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _releases.Add(release);
                return Finish(release.Task, batch);
            }
        }

        private async Task<IReadOnlyList<string>> Finish(Task released, IReadOnlyList<(string Key, string Value)> batch)
        {
            await released;
            if (batch.Select(b => Fails(b.Value)).FirstOrDefault(e => e is not null) is { } failure)
            {
                throw failure;
            }
            return [.. batch.Select(b => b.Value.ToUpperInvariant())];
        }

        public async Task ReleaseAsync(int batch)
        {
            await Until(() => { lock (Batches) return _releases.Count > batch; });
            lock (Batches) _releases[batch].TrySetResult();
        }

        public int Count
        {
            get { lock (Batches) return Batches.Count; }
        }
    }

    private static Task Until(Func<bool> condition) =>
        Eventually.Until(() => Task.FromResult(condition()), done => done, "the batcher to start the batch");

    [Fact]
    public async Task What_arrives_while_a_batch_runs_goes_together_in_the_next()
    {
        var runner = new HeldRunner();
        var batcher = new Batcher<(string Key, string Value), string>(runner.Run, i => i.Key);

        var first = batcher.AddAsync(("k1", "a"));
        await Until(() => runner.Count == 1);
        var rest = new[] { batcher.AddAsync(("k2", "b")), batcher.AddAsync(("k3", "c")), batcher.AddAsync(("k4", "d")) };
        await runner.ReleaseAsync(0);
        await runner.ReleaseAsync(1);

        Assert.Equal("A", await first);
        Assert.Equal(["B", "C", "D"], await Task.WhenAll(rest));
        Assert.Equal([["a"], ["b", "c", "d"]], runner.Batches);
    }

    [Fact]
    public async Task One_key_is_never_twice_in_a_batch_and_its_items_run_in_order()
    {
        var runner = new HeldRunner();
        var batcher = new Batcher<(string Key, string Value), string>(runner.Run, i => i.Key);

        var first = batcher.AddAsync(("k0", "a"));
        await Until(() => runner.Count == 1);
        var waiting = new[] { batcher.AddAsync(("k1", "x")), batcher.AddAsync(("k2", "y")), batcher.AddAsync(("k1", "z")) };
        for (var i = 0; i < 3; i++)
        {
            await runner.ReleaseAsync(i);
        }
        await Task.WhenAll(waiting);

        Assert.Equal([["a"], ["x", "y"], ["z"]], runner.Batches);
    }

    [Fact]
    public async Task A_batch_the_database_refuses_runs_again_item_by_item_and_only_the_bad_item_fails()
    {
        // 22001: a value too long for its column, the server's refusal of one row.
        var runner = new HeldRunner { Fails = v => v == "bad" ? new PostgresException("value too long", "ERROR", "ERROR", "22001") : null };
        var batcher = new Batcher<(string Key, string Value), string>(runner.Run, i => i.Key);

        var first = batcher.AddAsync(("k0", "a"));
        await Until(() => runner.Count == 1);
        var good = batcher.AddAsync(("k1", "good"));
        var bad = batcher.AddAsync(("k2", "bad"));
        var later = batcher.AddAsync(("k3", "later"));
        for (var i = 0; i < 5; i++)
        {
            await runner.ReleaseAsync(i);
        }

        Assert.Equal("GOOD", await good);
        Assert.Equal("LATER", await later);
        Assert.Equal("22001", (await Assert.ThrowsAsync<PostgresException>(() => bad)).SqlState);
        Assert.Equal([["a"], ["good", "bad", "later"], ["good"], ["bad"], ["later"]], runner.Batches);
    }

    [Fact]
    public async Task Any_other_failure_fails_the_whole_batch_without_running_it_again()
    {
        // The database away: running each item alone would only wait out the same failure once per item.
        var away = new NpgsqlException("connection refused");
        var runner = new HeldRunner { Fails = v => v == "b" ? away : null };
        var batcher = new Batcher<(string Key, string Value), string>(runner.Run, i => i.Key);

        var first = batcher.AddAsync(("k0", "a"));
        await Until(() => runner.Count == 1);
        var batch = new[] { batcher.AddAsync(("k1", "b")), batcher.AddAsync(("k2", "c")) };
        await runner.ReleaseAsync(0);
        await runner.ReleaseAsync(1);

        Assert.Equal("A", await first);
        foreach (var t in batch)
        {
            Assert.Same(away, await Assert.ThrowsAsync<NpgsqlException>(() => t));
        }
        Assert.Equal([["a"], ["b", "c"]], runner.Batches);
        // The batcher carries on with what comes next.
        var next = batcher.AddAsync(("k1", "d"));
        await runner.ReleaseAsync(2);
        Assert.Equal("D", await next);
    }

    [Fact]
    public async Task No_batch_is_larger_than_its_limit()
    {
        var runner = new HeldRunner();
        var batcher = new Batcher<(string Key, string Value), string>(runner.Run, i => i.Key, maxBatch: 2);

        var first = batcher.AddAsync(("k0", "a"));
        await Until(() => runner.Count == 1);
        var waiting = Enumerable.Range(1, 5).Select(i => batcher.AddAsync(($"k{i}", $"v{i}"))).ToArray();
        for (var i = 0; i < 4; i++)
        {
            await runner.ReleaseAsync(i);
        }
        await Task.WhenAll(waiting);

        Assert.Equal([["a"], ["v1", "v2"], ["v3", "v4"], ["v5"]], runner.Batches);
    }
}
