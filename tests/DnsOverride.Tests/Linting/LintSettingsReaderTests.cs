using System.Text;
using Endpoints.DnsOverride.Linting;

namespace Endpoints.DnsOverride.Tests.Linting;

/// <summary>lint.json is strict: every mistake at its line and column, all at once, and no settings from a broken file.</summary>
public sealed class LintSettingsReaderTests
{
    [Theory]
    [InlineData("{ \"adresses\": [\"10.0.0.0/8\"] }", "lint.json:1:3: unknown key 'adresses'; did you mean 'addresses'?")]
    [InlineData("{ \"addresses\": [\"10.0.0.300/8\"] }", "lint.json:1:17: '10.0.0.300/8' is not a CIDR (e.g. 10.200.0.0/23)")]
    [InlineData("{ \"addresses\": \"10.0.0.0/8\" }", "lint.json:1:16: 'addresses' must be a list of strings")]
    [InlineData("{ \"addresses\": [] }", "lint.json:1:16: 'addresses' is empty; leave it out for the default")]
    [InlineData("{ \"suffixes\": [\"bad..name\"] }", "lint.json:1:16: 'bad..name' is not a domain name: empty label in name 'bad..name.'")]
    [InlineData("{\n  \"ttl\": { \"min\": -1 } }", "lint.json:2:19: 'ttl.min' must be a whole number of seconds")]
    [InlineData("{\n  \"ttl\": { \"mim\": 5 } }", "lint.json:2:12: unknown key 'mim'; did you mean 'min'?")]
    [InlineData("{ \"ttl\": { \"min\": 600, \"max\": 60 } }", "lint.json: ttl min 600 is above max 60")]
    [InlineData("{ \"ttl\": { \"min\": 5 }, \"ttl\": {} }", "lint.json:1:24: 'ttl' appears twice")]
    [InlineData("{ \"suffixes\": [", "lint.json:1:16: invalid JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed.")]
    public void EachMistakeIsReportedAtItsPlace(string json, string expected)
    {
        var (settings, errors) = LintSettingsReader.Read(Encoding.UTF8.GetBytes(json), "lint.json");

        Assert.Null(settings);
        Assert.Equal(expected, Assert.Single(errors));
    }

    /// <summary>Found by bench/fuzz.sh (lint-json): the JSON reader throws on a key that is not UTF-8.</summary>
    [Fact]
    public void AFileThatIsNotUtf8IsAnErrorAtItsFirstBadByte()
    {
        var (settings, errors) = LintSettingsReader.Read([.. "{\n \"ports\": [443],\n \"add"u8, 0xC3, .. "resses\": []\n}"u8], "lint.json");

        Assert.Null(settings);
        Assert.Equal("lint.json:3:6: not UTF-8 text (byte 0xC3)", Assert.Single(errors));
    }
}
