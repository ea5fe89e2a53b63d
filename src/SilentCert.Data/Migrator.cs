using DbUp;
using DbUp.Engine.Output;
using Npgsql;

namespace SilentCert.Data;

/// <summary>
/// Applies the versioned schema (Orleans provider tables and queries, then SilentCert's own tables) to whatever database
/// the node is pointed at. Scripts are embedded resources named <c>NNNN_name.sql</c>, applied once each, in order;
/// DbUp records them in <c>schemaversions</c>.
/// </summary>
public static class Migrator
{
    /// <summary>Any constant: the advisory lock that lets one node at a time migrate a shared database.</summary>
    private const long MigrationLock = 0x5C_CE27_0001;

    public static void Apply(string connectionString, Action<string>? log = null)
    {
        try
        {
            EnsureDatabase.For.PostgresqlDatabase(connectionString, new QuietLog(log));
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another node created it between the check and the create.
        }
        // Nodes of one cluster start together: the first migrates, the others wait and then find nothing left to do.
        // Unpooled: the lock is the session's and must end with it, whatever reset-on-close setting the pool has.
        using var gate = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        gate.Open();
        using (var lockCommand = new NpgsqlCommand($"select pg_advisory_lock({MigrationLock})", gate))
        {
            lockCommand.ExecuteNonQuery();
        }
        var upgrade = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, name => name.Contains(".Migrations.", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogTo(new QuietLog(log))
            .Build();
        var result = upgrade.PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException($"Database migration failed at script {result.ErrorScript?.Name}: {result.Error.Message}", result.Error);
        }
    }

    private sealed class QuietLog(Action<string>? log) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }
        public void LogDebug(string format, params object[] args) { }
        public void LogInformation(string format, params object[] args) => log?.Invoke(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogWarning(string format, params object[] args) => log?.Invoke(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogError(string format, params object[] args) => log?.Invoke(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogError(Exception ex, string format, params object[] args) => log?.Invoke(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args) + ": " + ex.Message);
    }
}
