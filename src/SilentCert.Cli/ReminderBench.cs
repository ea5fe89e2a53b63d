using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using Orleans.Reminders.Diagnostics;
using SilentCert.Contracts;
using SilentCert.Domain;
using SilentCert.Grains;

namespace SilentCert.Cli;

public static partial class Benchmark
{
    /// <summary>
    /// Reminders (issue 5): <paramref name="count"/> beneficiaries each holding their <c>wake</c> reminder, and one silo
    /// starting on that table. Every enrolled beneficiary holds one (its wake is never more than
    /// <see cref="BeneficiaryGrain.MaxWakeDelay"/> ahead). One beneficiary is enrolled through its grain, and its reminder
    /// row, registered through Orleans, is the pattern for the others, which are copied into the table (enrolling a million
    /// people through their grains would measure enrolment, not reminders); the copy stops if the pattern's identity or
    /// hash differs from what this silo computes. Their first ticks are spread over the next four weeks, as wakes are, so
    /// none fires while the silo is measured: how long a silo takes to start on that table, how long its reminder service
    /// takes to read the whole table (what it repeats every refresh period), and the silo's memory.
    /// </summary>
    public static async Task<IReadOnlyList<Figure>> RunRemindersAsync(int count, IDictionary<string, string?> settings, TextWriter log,
        CancellationToken cancellationToken = default)
    {
        await using (var writer = await StartNodeAsync(settings, cancellationToken))
        {
            var grains = writer.Services.GetRequiredService<IGrainFactory>();
            var pattern = grains.GetGrain<IBeneficiaryGrain>(SyntheticKey(0));
            await pattern.Enrol(new EnrolCommand("340102********0011", new DateOnly(1960, 5, 1), "提醒", "340102", null, [],
                [new EnrolmentItem("pension-resident", 200m, new DateOnly(2025, 1, 1))], ChinaTime.DateOf(DateTimeOffset.UtcNow)));
            var dataSource = writer.Services.GetRequiredService<NpgsqlDataSource>();
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            string serviceId, grainId, name;
            int hash, version;
            long period;
            await using (var read = new NpgsqlCommand("select service_id, grain_id, reminder_name, grain_hash, period, version from orleans_reminder", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    throw new InvalidOperationException("The pattern beneficiary registered no reminder.");
                }
                (serviceId, grainId, name, hash, period, version) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt64(4), reader.GetInt32(5));
            }
            var patternId = pattern.GetGrainId();
            if (grainId != patternId.ToString() || hash != unchecked((int)patternId.GetUniformHashCode()) || name != BeneficiaryGrain.WakeReminder)
            {
                throw new InvalidOperationException($"The silo registered the reminder row as ({grainId}, {hash}, {name}); the copy would differ.");
            }

            var watch = Stopwatch.StartNew();
            var now = DateTimeOffset.UtcNow;
            await using (var copy = await connection.BeginBinaryImportAsync(
                "copy orleans_reminder (service_id, grain_id, reminder_name, grain_hash, start_time, period, version) from stdin (format binary)", cancellationToken))
            {
                for (var i = 1; i < count; i++)
                {
                    var id = grains.GetGrain<IBeneficiaryGrain>(SyntheticKey(i)).GetGrainId();
                    await copy.StartRowAsync(cancellationToken);
                    await copy.WriteAsync(serviceId, NpgsqlDbType.Text, cancellationToken);
                    await copy.WriteAsync(id.ToString(), NpgsqlDbType.Text, cancellationToken);
                    await copy.WriteAsync(name, NpgsqlDbType.Text, cancellationToken);
                    await copy.WriteAsync(unchecked((int)id.GetUniformHashCode()), NpgsqlDbType.Integer, cancellationToken);
                    await copy.WriteAsync(now.AddDays(1 + 27.0 * i / count).ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                    await copy.WriteAsync(period, NpgsqlDbType.Bigint, cancellationToken);
                    await copy.WriteAsync(version, NpgsqlDbType.Integer, cancellationToken);
                }
                await copy.CompleteAsync(cancellationToken);
            }
            await using (var analyze = new NpgsqlCommand("vacuum analyze orleans_reminder", connection))
            {
                await analyze.ExecuteNonQueryAsync(cancellationToken);
            }
            log.WriteLine($"reminders: {count:N0} rows in the table ({watch.Elapsed.TotalSeconds:F1} s to copy)");
            await writer.StopAsync(cancellationToken);
        }
        GC.Collect();

        // A new silo on that table: its start, then the read of the whole table that its reminder service repeats every
        // refresh period (Orleans holds in memory only the reminders due within its loading window).
        using var started = new ReminderServiceStarted();
        var startWatch = Stopwatch.StartNew();
        await using var node = await StartNodeAsync(settings, cancellationToken);
        var ready = startWatch.Elapsed.TotalSeconds;
        await started.Task.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        log.WriteLine($"reminders: silo ready in {ready:F1} s, reminder service started after {startWatch.Elapsed.TotalSeconds:F1} s");

        var table = node.Services.GetRequiredService<IReminderTable>();
        var reads = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            // The whole ring, as the only silo's service reads it.
            var rows = await table.ReadRows(0, 0);
            reads.Add(watch.Elapsed.TotalSeconds);
            if (rows.Reminders.Count != count)
            {
                throw new InvalidOperationException($"The silo read {rows.Reminders.Count:N0} reminders of {count:N0}.");
            }
        }
        log.WriteLine($"reminders: the whole table read in {string.Join(", ", reads.Select(r => r.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} s");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        var rss = process.WorkingSet64 / 1024.0 / 1024.0;
        await node.StopAsync(cancellationToken);
        return
        [
            new Figure("reminders_registered", count, "reminders"),
            new Figure("reminder_refresh_s", reads.Order().ElementAt(1), "s (median of three; goal ≤ 2)"),
            new Figure("silo_rss_mb", rss, "MB (goal ≤ 2048)"),
            new Figure("silo_start_to_ready_with_reminders_s", ready, "s"),
        ];
    }

    /// <summary>Completes when this process's silo reports its reminder service started (Orleans' own reminder events).</summary>
    private sealed class ReminderServiceStarted : IObserver<ReminderEvents.ReminderServiceEvent>, IDisposable
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly IDisposable _subscription;

        public ReminderServiceStarted() => _subscription = ReminderEvents.ServiceEvents.Subscribe(this);

        public Task Task => _started.Task;

        public void OnNext(ReminderEvents.ReminderServiceEvent value)
        {
            if (value is ReminderEvents.ReminderServiceStarted)
            {
                _started.TrySetResult();
            }
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }

        public void Dispose() => _subscription.Dispose();
    }
}
