using System.Security.Cryptography;
using System.Text;

namespace SilentCert.Domain;

/// <summary>
/// Turns an ID number into the person's pseudonymous key, <c>ben-</c> + HMAC-SHA256 in lower-case hex. The prefix keeps
/// the ADO.NET storage provider from reading an all-hex key as a number (dotnet/orleans#9706).
/// </summary>
public sealed class Pseudonymizer
{
    public const string Prefix = "ben-";

    private readonly byte[] _key;

    public Pseudonymizer(byte[] key)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("The pseudonym key must be at least 32 bytes.", nameof(key));
        }
        _key = key.ToArray();
    }

    public string KeyOf(IdNumber idNumber) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(idNumber.Value)));

    /// <summary>
    /// Identifies the key without revealing it: a database remembers the fingerprint of the key its beneficiary IDs
    /// were made with, so a node started with another key is stopped before it gives everyone a new ID.
    /// </summary>
    public string Fingerprint => Convert.ToHexStringLower(HMACSHA256.HashData(_key, "silentcert:pseudonym-key-fingerprint"u8))[..16];

    /// <summary>Whether <paramref name="text"/> has the shape of a beneficiary ID (it may still name nobody).</summary>
    public static bool IsWellFormedKey(string? text) =>
        text is { Length: 68 } && text.StartsWith(Prefix, StringComparison.Ordinal) && text.AsSpan(4).ContainsAnyExcept("0123456789abcdef") is false;
}
