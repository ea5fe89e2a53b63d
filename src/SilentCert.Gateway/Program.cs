using SilentCert.Gateway.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddSilentCert();

var app = builder.Build();
app.MapSilentCert();
app.Run();

/// <summary>The entry point, visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
