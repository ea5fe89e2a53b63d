using DbUp;
using DbUp.Engine.Output;

namespace SilentCert.Data;

/// <summary>
/// Applies the versioned schema (Orleans provider tables and queries, then SilentCert's own tables) to whatever database
/// the node is pointed at. Scripts are embedded resources named <c>NNNN_name.sql</c>, applied once each, in order;
/// DbUp records them in <c>schemaversions</c>.
/// </summary>
public static class Migrator
{
    public static void Apply(string connectionString, Action<string>? log = null)
    {
        EnsureDatabase.For.PostgresqlDatabase(connectionString, new QuietLog(log));
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
