using Npgsql;

namespace SilentCert.Data;

internal static class Commands
{
    /// <summary>Runs a query whose first column is text and returns that column.</summary>
    public static async Task<List<string>> ReadStringsAsync(this NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }
}
