using Npgsql;

namespace SilentCert.Data;

/// <summary>Settings fixed by the first node on a database, which every later node must match.</summary>
public sealed class NodeSettings(NpgsqlDataSource dataSource)
{
    /// <summary>Records <paramref name="value"/> under <paramref name="name"/> if nothing is recorded yet; returns what is recorded.</summary>
    public async Task<string> FixAsync(string name, string value, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            with fixed as (
              insert into node_setting (name, value) values ($1, $2) on conflict (name) do nothing returning value
            )
            select value from fixed union all select value from node_setting where name = $1
            limit 1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
