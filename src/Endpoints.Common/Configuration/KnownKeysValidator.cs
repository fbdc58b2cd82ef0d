using System.Reflection;
using Endpoints.Common.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Endpoints.Common.Configuration;

/// <summary>
/// An unknown key in a service's section (appsettings.json, environment, flags) is an error at start naming the
/// key, with the closest setting as a suggestion: the binder would ignore a misspelt setting and run on its default.
/// </summary>
public sealed class KnownKeysValidator<TOptions>(IConfiguration configuration, string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    private static readonly string[] Known = typeof(TOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite || p.PropertyType.IsGenericType)
        .Select(p => p.Name)
        .ToArray();

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var errors = Unknown(configuration.GetSection(section)).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static IEnumerable<string> Unknown(IConfigurationSection section) =>
        section.GetChildren()
            .Where(child => !Known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            .Select(child => $"unknown setting '{child.Path}'{Suggestion.DidYouMean(child.Key, Known)}");
}
