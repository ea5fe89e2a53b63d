namespace SilentCert.Gateway.Hosting;

/// <summary>
/// Simulated time for manual clock mode: it stands still until moved, and only ever moves forward. Decisions read it;
/// the due sweep carries out what becomes due when it moves. Orleans' own timers and reminders stay on system time: a
/// reminder that fires in real time evaluates at simulated time, which is harmless because evaluation is idempotent.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now.ToUniversalTime();
        }
    }

    /// <summary>Moves to <paramref name="instant"/>; false, and no move, if that lies in the past.</summary>
    public bool TryMoveTo(DateTimeOffset instant)
    {
        lock (_gate)
        {
            if (instant < _now)
            {
                return false;
            }
            _now = instant;
            return true;
        }
    }
}
