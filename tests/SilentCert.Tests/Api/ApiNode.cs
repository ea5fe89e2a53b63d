using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Api;

/// <summary>
/// One whole node per test class (an xunit class fixture): starting a node takes seconds, so the tests of a class share
/// it, each with people of its own. Subclasses fix where the manual clock starts.
/// </summary>
public abstract class ApiNode(DateTimeOffset clockStart, IDictionary<string, string?>? extra = null) : IAsyncLifetime
{
    public NodeFactory Node { get; } = new(clockStart, extra: extra);

    public TestDatabase Database => Node.Database;

    public HttpClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Client = Node.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Node.DisposeAsync();
    }
}
