using Npgsql;
using SilentCert.Data;

namespace SilentCert.Tests.Storage;

// Proves that nodes starting together can all migrate one new database: one applies the scripts, the others wait.
public sealed class MigrationTests
{
    [Fact]
    public async Task Four_nodes_migrating_one_new_database_at_once_all_succeed_and_apply_each_script_once()
    {
        var server = Environment.GetEnvironmentVariable("SILENTCERT_TEST_PG")
            ?? throw new InvalidOperationException("Run the tests through scripts/test.sh.");
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = "m_" + Guid.NewGuid().ToString("N") }.ConnectionString;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Migrator.Apply(connectionString))));

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*), count(distinct scriptname) from schemaversions", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var scripts = typeof(Migrator).Assembly.GetManifestResourceNames().Count(n => n.Contains(".Migrations.", StringComparison.Ordinal));
        Assert.Equal((scripts, scripts), ((int)reader.GetInt64(0), (int)reader.GetInt64(1)));
    }
}
