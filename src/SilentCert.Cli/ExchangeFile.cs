using System.Text;
using System.Text.Json;
using SilentCert.Domain;

namespace SilentCert.Cli;

/// <summary>One line of an exchange file: a record to validate, or why the line is not one.</summary>
public sealed record ExchangeLine(long Number, EvidenceInput? Record, string? Error);

/// <summary>
/// Reads an evidence exchange file line by line, in constant memory whatever its size: CSV with the header
/// <see cref="CsvHeader"/> (a <c>visitOutcome</c> column may follow), or NDJSON with the API's field names. Each line is
/// decoded as strict UTF-8 on its own, so a file of mixed encodings loses only the lines that are not UTF-8.
/// </summary>
public static class ExchangeFile
{
    public const string CsvHeader = "source,sourceRecordId,idNumber,observedAt,region,deathDate";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The file's format from its first line, or why it cannot be read at all (empty, unknown header).</summary>
    public static (bool Csv, bool VisitColumn, string? Error) Format(string? firstLine) => firstLine switch
    {
        null or "" => (false, false, "the file is empty: there is nothing to load"),
        CsvHeader => (true, false, null),
        CsvHeader + ",visitOutcome" => (true, true, null),
        _ when firstLine.TrimStart().StartsWith('{') => (false, false, null),
        _ => (false, false, $"line 1 is neither the CSV header '{CsvHeader}' nor a JSON object: check the file's format"),
    };

    /// <summary>
    /// The lines of <paramref name="stream"/>, numbered from 1; a CSV header line is skipped. A last line without its line
    /// break is read like any other (and rejected if it was cut short).
    /// </summary>
    public static IEnumerable<ExchangeLine> Read(Stream stream, bool csv, bool visitColumn)
    {
        long number = 0;
        foreach (var (bytes, length) in Lines(stream))
        {
            number++;
            if (length < 0)
            {
                yield return new ExchangeLine(number, null, $"is longer than {MaxLineBytes:N0} bytes: no evidence record is that long");
                continue;
            }
            if (Decode(bytes, length) is not { } text)
            {
                yield return new ExchangeLine(number, null, "is not UTF-8 text: re-export the file as UTF-8");
                continue;
            }
            if (number == 1)
            {
                text = text.TrimStart('\uFEFF'); // the byte-order mark some spreadsheet exports begin with
            }
            if (csv && (text == CsvHeader || text == CsvHeader + ",visitOutcome"))
            {
                continue;
            }
            if (text.Trim().Length == 0)
            {
                yield return new ExchangeLine(number, null, "is empty");
                continue;
            }
            yield return csv ? Csv(number, text, visitColumn) : Ndjson(number, text);
        }
    }

    private static string? Decode(byte[] bytes, int length)
    {
        try
        {
            return StrictUtf8.GetString(bytes, 0, length).TrimEnd('\r');
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static ExchangeLine Csv(long number, string text, bool visitColumn)
    {
        var fields = text.Split(',');
        var expected = visitColumn ? 7 : 6;
        if (fields.Length != expected)
        {
            return new ExchangeLine(number, null, $"has {fields.Length} fields where the header has {expected}: the line is cut short or holds a comma");
        }
        string? Optional(int i) => fields[i].Length == 0 ? null : fields[i];
        return new ExchangeLine(number, new EvidenceInput(Optional(0), Optional(1), Optional(2), Optional(3), Optional(4), Optional(5),
            visitColumn ? Optional(6) : null), null);
    }

    private static ExchangeLine Ndjson(long number, string text)
    {
        try
        {
            return JsonSerializer.Deserialize<EvidenceInput>(text, Json) is { } record
                ? new ExchangeLine(number, record, null)
                : new ExchangeLine(number, null, "is not a JSON object");
        }
        catch (JsonException e)
        {
            return new ExchangeLine(number, null, $"is not a JSON object with the API's evidence fields ({e.Message.Split('.')[0]})");
        }
    }

    /// <summary>Longer lines are rejected unread: memory stays flat even for a file without line breaks.</summary>
    public const int MaxLineBytes = 64 * 1024;

    /// <summary>
    /// Raw lines (without the line break) read through a 64 KiB buffer; the array is reused and valid up to the length,
    /// which is -1 for a line longer than <see cref="MaxLineBytes"/>.
    /// </summary>
    private static IEnumerable<(byte[] Bytes, int Length)> Lines(Stream stream)
    {
        var buffer = new byte[64 * 1024];
        var line = new byte[MaxLineBytes];
        var length = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'\n')
                {
                    yield return (line, length);
                    length = 0;
                }
                else if (length == line.Length || length < 0)
                {
                    length = -1; // too long: skipped up to the next line break
                }
                else
                {
                    line[length++] = buffer[i];
                }
            }
        }
        if (length != 0)
        {
            yield return (line, length);
        }
    }
}
