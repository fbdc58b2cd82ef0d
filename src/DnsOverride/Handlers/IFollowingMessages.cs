namespace Endpoints.DnsOverride.Handlers;

/// <summary>The rest of a multi-message answer (RFC 5936 2.2), written one message at a time into the context's buffer.</summary>
internal interface IFollowingMessages
{
    /// <summary>Writes the next message into <see cref="QueryContext.Response"/>; false when there is none left.</summary>
    bool TryWriteNext(QueryContext context);
}
