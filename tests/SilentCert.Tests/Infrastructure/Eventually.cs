namespace SilentCert.Tests.Infrastructure;

/// <summary>
/// Waits, bounded, for something another thread delivers (a reminder tick after the fake clock moved). It never waits
/// for simulated time to pass: time is moved explicitly, this only lets the tick's work finish.
/// </summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, string what, int timeoutMs = 15_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (Environment.TickCount64 > deadline) throw new TimeoutException($"Gave up waiting for {what}.");
            await Task.Delay(20);
        }
    }
}
