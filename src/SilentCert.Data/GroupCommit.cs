namespace SilentCert.Data;

/// <summary>
/// Group commit: writes that arrive while a write is in flight wait for the next, which takes all of them in one call of
/// <c>write</c> (one transaction, one set-based statement per table). A bulk load then costs a few statements per few
/// hundred items instead of several per item, and a lone item is written at once, with no timer to wait for. One key
/// is never twice in a group, so each key's items are written in the order they were added. A group that fails is
/// written again item by item, so an item that cannot be written fails alone.
/// </summary>
/// <param name="write">Writes a group; returns one result per item, in order.</param>
public sealed class GroupCommit<TItem, TResult>(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> write, Func<TItem, string> keyOf, int maxGroup = 500)
{
    private readonly Lock _gate = new();
    private readonly List<(TItem Item, TaskCompletionSource<TResult> Done)> _waiting = [];
    private bool _writing;

    /// <summary>Completes with the item's result once its group is written.</summary>
    public Task<TResult> AddAsync(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_gate)
        {
            _waiting.Add((item, done));
            start = !_writing;
            _writing = true;
        }
        if (start)
        {
            _ = Task.Run(WriteWaitingAsync);
        }
        return done.Task;
    }

    private async Task WriteWaitingAsync()
    {
        while (true)
        {
            List<(TItem Item, TaskCompletionSource<TResult> Done)> group;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _writing = false;
                    return;
                }
                group = TakeGroup();
            }
            try
            {
                Complete(group, await write([.. group.Select(g => g.Item)]));
            }
            catch (Exception) when (group.Count > 1)
            {
                foreach (var one in group)
                {
                    try
                    {
                        Complete([one], await write([one.Item]));
                    }
                    catch (Exception e)
                    {
                        one.Done.SetException(e);
                    }
                }
            }
            catch (Exception e)
            {
                group[0].Done.SetException(e);
            }
        }
    }

    private static void Complete(List<(TItem Item, TaskCompletionSource<TResult> Done)> group, IReadOnlyList<TResult> results)
    {
        for (var i = 0; i < group.Count; i++)
        {
            group[i].Done.SetResult(results[i]);
        }
    }

    /// <summary>The oldest waiting items, at most one per key and at most <c>maxGroup</c>.</summary>
    private List<(TItem Item, TaskCompletionSource<TResult> Done)> TakeGroup()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var group = new List<(TItem, TaskCompletionSource<TResult>)>();
        var rest = new List<(TItem, TaskCompletionSource<TResult>)>();
        foreach (var waiting in _waiting)
        {
            (group.Count < maxGroup && keys.Add(keyOf(waiting.Item)) ? group : rest).Add(waiting);
        }
        _waiting.Clear();
        _waiting.AddRange(rest);
        return group;
    }
}
