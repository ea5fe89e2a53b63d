namespace SilentCert.Tests.Infrastructure;

/// <summary>
/// Waits, bounded, for something another thread delivers (a reminder tick after the fake clock moved). It never waits
/// for simulated time to pass: time is moved explicitly, this only lets the tick's work finish.
/// </summary>
public static class Eventually
{
    /// <param name="nudge">
    /// Run between reads. Orleans re-arms reminder waits on each table refresh and skips a tick whose time has already
    /// passed at that moment; when a fake clock jumps across a refresh and a tick at once, the tick then waits for the
    /// clock to move again. Nudging it forward a second at a time lets that tick come.
    /// </param>
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, string what, int timeoutMs = 15_000, Action? nudge = null)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (Environment.TickCount64 > deadline) throw new TimeoutException($"Gave up waiting for {what}.");
            nudge?.Invoke();
            await Task.Delay(20);
        }
    }
}
