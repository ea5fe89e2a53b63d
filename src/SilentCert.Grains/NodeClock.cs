namespace SilentCert.Grains;

/// <summary>
/// The clock that SilentCert's decisions read, registered as a keyed <see cref="TimeProvider"/>. It is the system clock
/// unless the node runs in manual clock mode or a test fakes it. The unkeyed TimeProvider, which drives membership, is
/// never replaced.
/// </summary>
public static class NodeClock
{
    public const string Key = "SilentCert.Clock";

    /// <summary>The key under which Orleans reads the time for reminders.</summary>
    public const string RemindersKey = "Orleans.Reminders";
}
