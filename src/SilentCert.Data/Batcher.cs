using Npgsql;

namespace SilentCert.Data;

/// <summary>
/// Batches calls that many grains make at once. Items that arrive while a batch is in flight wait for the next, which
/// takes all of them in one call of <c>run</c>: for writes one transaction with one set-based statement per table
/// (group commit), for reads one query. A bulk load then costs a few statements per few hundred items instead of
/// several per item, and a lone item goes at once, with no timer to wait for. One key is never twice in a batch, so each
/// key's items run in the order they were added. A batch that PostgreSQL refuses is run again item by item, so an item
/// that cannot be written fails alone; any other failure (the database away, a broken connection) fails the batch.
/// </summary>
/// <param name="run">Runs a batch; returns one result per item, in order.</param>
public sealed class Batcher<TItem, TResult>(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> run, Func<TItem, string> keyOf, int maxBatch = 500)
{
    private readonly Lock _gate = new();
    private readonly List<(TItem Item, string Key, TaskCompletionSource<TResult> Done)> _waiting = [];
    private bool _writing;

    /// <summary>Completes with the item's result once its batch has run.</summary>
    public Task<TResult> AddAsync(TItem item)
    {
        var key = keyOf(item);
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_gate)
        {
            _waiting.Add((item, key, done));
            start = !_writing;
            _writing = true;
        }
        if (start)
        {
            // The loop outlives this caller: it runs on the thread pool without the caller's context (activity, request
            // context).
            ThreadPool.UnsafeQueueUserWorkItem(static batcher => _ = batcher.RunWaitingAsync(), this, preferLocal: false);
        }
        return done.Task;
    }

    /// <summary>Runs batches until none is waiting. Never throws: every outcome goes to the items' tasks.</summary>
    private async Task RunWaitingAsync()
    {
        while (true)
        {
            List<(TItem Item, string Key, TaskCompletionSource<TResult> Done)> batch;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _writing = false;
                    return;
                }
                batch = TakeBatch();
            }
            try
            {
                Complete(batch, await run([.. batch.Select(b => b.Item)]));
            }
            catch (PostgresException e) when (batch.Count > 1 && !e.IsTransient)
            {
                // The server refused something in the batch: run each item alone, so that only what it refuses fails.
                foreach (var one in batch)
                {
                    try
                    {
                        Complete([one], await run([one.Item]));
                    }
                    catch (Exception alone)
                    {
                        one.Done.TrySetException(alone);
                    }
                }
            }
            catch (Exception e)
            {
                // The database is away, or the batch broke in transit: each item would fail alone too.
                batch.ForEach(b => b.Done.TrySetException(e));
            }
        }
    }

    private static void Complete(List<(TItem Item, string Key, TaskCompletionSource<TResult> Done)> batch, IReadOnlyList<TResult> results)
    {
        if (results.Count != batch.Count)
        {
            throw new InvalidOperationException($"A batch of {batch.Count} items returned {results.Count} results.");
        }
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(results[i]);
        }
    }

    /// <summary>The oldest waiting items, at most one per key and at most <c>maxBatch</c>.</summary>
    private List<(TItem Item, string Key, TaskCompletionSource<TResult> Done)> TakeBatch()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var group = new List<(TItem, string, TaskCompletionSource<TResult>)>();
        var rest = new List<(TItem, string, TaskCompletionSource<TResult>)>();
        foreach (var waiting in _waiting)
        {
            (group.Count < maxBatch && keys.Add(waiting.Key) ? group : rest).Add(waiting);
        }
        _waiting.Clear();
        _waiting.AddRange(rest);
        return group;
    }
}
