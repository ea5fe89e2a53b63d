using Npgsql;
using SilentCert.Data;

namespace SilentCert.Tests.Infrastructure;

/// <summary>
/// A fresh, fully migrated database on the throw-away PostgreSQL that scripts/test.sh starts. Each fixture gets its own
/// database, so test classes never see each other's rows.
/// </summary>
public sealed class TestDatabase
{
    private TestDatabase(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    public static TestDatabase Create()
    {
        var server = Environment.GetEnvironmentVariable("SILENTCERT_TEST_PG");
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                "SILENTCERT_TEST_PG is not set. Run the tests through scripts/test.sh, which starts a throw-away PostgreSQL.");
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = "t_" + Guid.NewGuid().ToString("N") };
        var connectionString = builder.ConnectionString;
        Migrator.Apply(connectionString);
        return new TestDatabase(connectionString);
    }

    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }
}
