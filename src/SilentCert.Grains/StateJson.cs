using System.Text.Json;
using System.Text.Json.Serialization;

namespace SilentCert.Grains;

/// <summary>How grain state is written to PostgreSQL: camelCase System.Text.Json, enums by name.</summary>
public static class StateJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
    }
}
