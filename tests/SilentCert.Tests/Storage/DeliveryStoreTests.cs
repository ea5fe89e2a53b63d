using Npgsql;
using SilentCert.Data;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Storage;

// Proves the outbox hand-out on PostgreSQL: a message waits, unhanded, until a target for its kind is configured; a
// correction notice goes to its source department's own endpoint where there is one; a target no longer configured is
// not attempted.
public sealed class DeliveryStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly DeliveryStore _store;
    private readonly ReadModel _readModel;

    public DeliveryStoreTests()
    {
        var dataSource = NpgsqlDataSource.Create(TestDatabase.Create().ConnectionString);
        _store = new DeliveryStore(dataSource);
        _readModel = new ReadModel(dataSource);
    }

    private Task Decide(string person, params OutboxMessage[] messages) => _readModel.PublishAsync(
        new BeneficiarySnapshot(person, "340102********0011", "340102", "due", null, null, null, 1, [], [], []), messages, Now);

    private static OutboxMessage Warning(string deadline) =>
        new($"warning:{deadline}:30", "warning", 30, DateOnly.Parse(deadline, System.Globalization.CultureInfo.InvariantCulture), ["dibao"], Now, "{}");

    private static OutboxMessage Correction(string department, string record) =>
        new($"correction:case-1:{record}", "correction-notice", null, null, [], Now, $$"""{"department":"{{department}}"}""");

    /// <summary>Claims what is due now, for a minute unless <paramref name="leaseEndsAtOnce"/>.</summary>
    private async Task<string[]> Claimed(bool leaseEndsAtOnce = false) =>
        [.. (await _store.ClaimDueAsync(Now, leaseEndsAtOnce ? Now : Now.AddMinutes(1), 100)).Select(d => $"{d.IdempotencyKey} -> {d.Url}").Order(StringComparer.Ordinal)];

    [Fact]
    public async Task A_message_waits_until_its_kind_has_a_target_then_goes_to_it_once()
    {
        await _store.SyncChannelsAsync([], Now);
        await Decide("ben-a", Warning("2026-03-20"));

        Assert.Empty(await Claimed());

        await _store.SyncChannelsAsync([new ChannelTarget("warning", null, "log")], Now);
        Assert.Equal(["warning:2026-03-20:30 -> log"], await Claimed());
        // Claimed for a minute: not claimed again meanwhile.
        Assert.Empty(await Claimed());
    }

    [Fact]
    public async Task A_correction_notice_goes_to_its_department_endpoint_where_one_is_configured()
    {
        await _store.SyncChannelsAsync(
            [new ChannelTarget("correction-notice", null, "log"), new ChannelTarget("correction-notice", "health", "http://127.0.0.1:9/health")], Now);
        await Decide("ben-b", Correction("health", "H-1"), Correction("civil-affairs", "C-1"));

        Assert.Equal(["correction:case-1:C-1 -> log", "correction:case-1:H-1 -> http://127.0.0.1:9/health"], await Claimed());
    }

    [Fact]
    public async Task A_changed_url_takes_pending_deliveries_along_and_a_removed_target_is_not_attempted()
    {
        Assert.False(await _store.SyncChannelsAsync([new ChannelTarget("warning", null, "http://127.0.0.1:9/sms")], Now));
        await Decide("ben-c", Warning("2026-03-21"));
        Assert.Equal(["warning:2026-03-21:30 -> http://127.0.0.1:9/sms"], await Claimed(leaseEndsAtOnce: true));

        // Another node starts with the gateway moved: it is told it changed the cluster's channels, and the pending
        // delivery goes to the new address.
        Assert.True(await _store.SyncChannelsAsync([new ChannelTarget("warning", null, "http://127.0.0.1:9/sms-v2")], Now));
        Assert.Equal(["warning:2026-03-21:30 -> http://127.0.0.1:9/sms-v2"], await Claimed(leaseEndsAtOnce: true));

        // With the warning channel gone altogether, nothing is attempted.
        Assert.True(await _store.SyncChannelsAsync([new ChannelTarget("visit-task", null, "log")], Now));
        Assert.Empty(await Claimed());
    }
}
