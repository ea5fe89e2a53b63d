namespace SilentCert.Tests.Storage;

/// <summary>A grain that exercises grain storage and reminders, for <see cref="OrleansProviderTests"/> only.</summary>
[Alias("SilentCert.Tests.Storage.IProviderProbeGrain")]
public interface IProviderProbeGrain : IGrainWithStringKey
{
    [Alias("Save")]
    Task<ProbeView> Save(string note);

    [Alias("View")]
    Task<ProbeView> View();

    [Alias("StartWaking")]
    Task StartWaking(TimeSpan dueTime, TimeSpan period);

    [Alias("StopWaking")]
    Task StopWaking();

    [Alias("Ticks")]
    Task<int> Ticks();
}

/// <summary>What the probe holds: its persisted state, its etag and which activation answered.</summary>
[GenerateSerializer, Immutable, Alias("SilentCert.Tests.Storage.ProbeView")]
public sealed record ProbeView(
    [property: Id(0)] string? Note,
    [property: Id(1)] int Saves,
    [property: Id(2)] string? ETag,
    [property: Id(3)] bool RecordExists,
    [property: Id(4)] Guid Activation);

/// <summary>The persisted state; stored as System.Text.Json.</summary>
public sealed class ProbeState
{
    public string? Note { get; set; }

    public int Saves { get; set; }
}

public sealed class ProviderProbeGrain(
    [PersistentState(ProviderProbeGrain.StateName, ProviderProbeGrain.StorageName)] IPersistentState<ProbeState> state)
    : Grain, IProviderProbeGrain, IRemindable
{
    public const string StateName = "probe";
    public const string StorageName = "probe-store";
    public const string ReminderName = "wake";

    private readonly Guid _activation = Guid.NewGuid();
    private int _ticks;

    public async Task<ProbeView> Save(string note)
    {
        state.State.Note = note;
        state.State.Saves++;
        await state.WriteStateAsync();
        return Snapshot();
    }

    public Task<ProbeView> View() => Task.FromResult(Snapshot());

    public Task StartWaking(TimeSpan dueTime, TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, dueTime, period);

    public async Task StopWaking()
    {
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task<int> Ticks() => Task.FromResult(Volatile.Read(ref _ticks));

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReminderName)
        {
            Interlocked.Increment(ref _ticks);
        }
        return Task.CompletedTask;
    }

    private ProbeView Snapshot() => new(state.State.Note, state.State.Saves, state.Etag, state.RecordExists, _activation);
}
