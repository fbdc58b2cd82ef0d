namespace Endpoints.Fuzz;

/// <summary>What every operator file reader must say of a bad file: each error starts with the file's path and a line.</summary>
internal static class FileErrors
{
    public static void CheckLocated(IEnumerable<string> errors, string path, string reader)
    {
        foreach (var error in errors)
        {
            PropertyViolation.Unless(error.StartsWith(path + ":", StringComparison.Ordinal), $"{reader}: an error without FILE:LINE: {error}");
        }
    }

    /// <summary>A reader returns a value or its errors, never both and never neither.</summary>
    public static void CheckEither(object? value, IReadOnlyCollection<string> errors, string reader) =>
        PropertyViolation.Unless((value is null) == (errors.Count > 0), $"{reader}: value {(value is null ? "null" : "present")} with {errors.Count} errors");
}
