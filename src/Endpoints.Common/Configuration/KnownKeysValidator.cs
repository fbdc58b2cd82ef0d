using System.Collections;
using System.Reflection;
using Endpoints.Common.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Endpoints.Common.Configuration;

/// <summary>
/// An unknown key in a service's section (appsettings.json, environment, flags) is an error at start naming the
/// key, with the closest setting as a suggestion: the binder would ignore a misspelt setting and run on its default.
/// Nested option classes (a block such as <c>RateLimit</c>) are checked key by key too.
/// </summary>
public sealed class KnownKeysValidator<TOptions>(IConfiguration configuration, string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var errors = Unknown(configuration.GetSection(section), typeof(TOptions)).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static IEnumerable<string> Unknown(IConfigurationSection section, Type type)
    {
        var settings = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite || p.PropertyType.IsGenericType || IsBlock(p.PropertyType))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!settings.TryGetValue(child.Key, out var setting))
            {
                yield return $"unknown setting '{child.Path}'{Suggestion.DidYouMean(child.Key, settings.Keys)}";
            }
            else if (IsBlock(setting.PropertyType))
            {
                foreach (var error in Unknown(child, setting.PropertyType))
                {
                    yield return error;
                }
            }
        }
    }

    /// <summary>An options class of its own, bound from a sub-section: not a value, a string or a collection.</summary>
    private static bool IsBlock(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null;
}
