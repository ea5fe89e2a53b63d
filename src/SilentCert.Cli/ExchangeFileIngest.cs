using System.Diagnostics;
using System.Globalization;
using System.Text;
using SilentCert.Domain;
using SilentCert.Grains;

namespace SilentCert.Cli;

/// <summary>What one run did with a file: every line is counted in exactly one of the four.</summary>
public sealed record IngestSummary(long Accepted, long Duplicates, long Rejected, long UnknownPersons);

/// <summary>A file that cannot be loaded at all (empty, unknown format): nothing was loaded.</summary>
public sealed class ExchangeFileException(string message) : Exception(message);

/// <summary>
/// Loads an evidence exchange file (issue 5): streams it, validates and stores each record exactly as the API does
/// (<see cref="EvidenceIntake"/>), in batches whose grain calls are one per person, and writes every rejected line with
/// its reason to the rejects file. Re-running the same file changes nothing and counts every record a duplicate; a run
/// killed half-way and started again ends where one clean run would (what the first run logged counts as duplicates,
/// and the grains apply it from the log when they next wake).
/// </summary>
public static class ExchangeFileIngest
{
    public const int BatchSize = 10_000;

    /// <param name="clusterNow">The cluster's clock, asked once a batch: observations are validated against it as the API does.</param>
    public static async Task<IngestSummary> RunAsync(string path, EvidenceIntake intake, Func<Task<DateTimeOffset>> clusterNow, TextWriter rejects,
        IngestProgress? progress = null, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var (csv, visitColumn, error) = ExchangeFile.Format(FirstLine(stream));
        if (error is not null)
        {
            throw new ExchangeFileException($"{Path.GetFileName(path)}: {error}. Nothing was loaded.");
        }
        stream.Position = 0;
        rejects.WriteLine("line\treason");
        long accepted = 0, duplicates = 0, rejected = 0, unknown = 0;
        var batch = new List<(long Line, EvidenceInput? Record)>(BatchSize);
        var unreadable = new List<(long Line, string Reason)>();

        async Task FlushAsync()
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await intake.ReceiveAsync(batch, await clusterNow(), DateTimeOffset.UtcNow, cancellationToken);
            (accepted, duplicates, unknown) = (accepted + result.Accepted, duplicates + result.Duplicates, unknown + result.UnknownPersons);
            foreach (var (line, reason) in unreadable.Concat(result.Rejected.Select(r => (r.Position, r.Error))).OrderBy(r => r.Item1))
            {
                rejects.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{line}\t{reason}"));
                rejected++;
            }
            batch.Clear();
            unreadable.Clear();
            progress?.Report(stream.Position, stream.Length, accepted + duplicates + rejected + unknown);
        }

        foreach (var line in ExchangeFile.Read(stream, csv, visitColumn))
        {
            if (line.Error is not null)
            {
                unreadable.Add((line.Number, $"line {line.Error}"));
            }
            else
            {
                batch.Add((line.Number, line.Record));
            }
            if (batch.Count + unreadable.Count >= BatchSize)
            {
                await FlushAsync();
            }
        }
        await FlushAsync();
        await rejects.FlushAsync(cancellationToken);
        return new IngestSummary(accepted, duplicates, rejected, unknown);
    }

    /// <summary>
    /// The first line that is not blank, leniently decoded and without a byte-order mark, to tell the format; null for a
    /// file with nothing but blank lines. At most one line's worth of bytes is kept.
    /// </summary>
    private static string? FirstLine(Stream stream)
    {
        var bytes = new List<byte>();
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            if (b == '\n')
            {
                if (Encoding.UTF8.GetString([.. bytes]).Trim('\uFEFF', '\r', ' ', '\t').Length > 0) break;
                bytes.Clear();
            }
            else if (bytes.Count < ExchangeFile.MaxLineBytes)
            {
                bytes.Add((byte)b);
            }
        }
        var line = Encoding.UTF8.GetString([.. bytes]).Trim('\uFEFF', '\r');
        return line.Trim().Length == 0 ? null : line;
    }
}

/// <summary>
/// Progress of a load: a bar with rate and time left, redrawn in place on a terminal; a plain line every ten seconds
/// when the output goes to a file or a pipe.
/// </summary>
public sealed class IngestProgress(TextWriter output, bool terminal)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastPlain = TimeSpan.Zero;

    public void Report(long bytesRead, long bytesTotal, long records)
    {
        var elapsed = _clock.Elapsed;
        var fraction = bytesTotal == 0 ? 1 : Math.Min(1, (double)bytesRead / bytesTotal);
        var rate = records / Math.Max(elapsed.TotalSeconds, 0.001);
        var left = fraction > 0 ? TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - fraction) / fraction) : TimeSpan.Zero;
        if (terminal)
        {
            var filled = (int)(fraction * 30);
            output.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {fraction,4:P0} {records:N0} records {rate:N0}/s ETA {left:hh\\:mm\\:ss} "));
            if (fraction >= 1) output.WriteLine();
        }
        else if (elapsed - _lastPlain >= TimeSpan.FromSeconds(10) || fraction >= 1)
        {
            _lastPlain = elapsed;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"progress: {fraction:P0} {records:N0} records {rate:N0}/s eta {left:hh\\:mm\\:ss}"));
        }
    }
}
