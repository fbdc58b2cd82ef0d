using System.Collections;
using System.Runtime.InteropServices;
using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Zones;

/// <summary>
/// A zone file's records as read, held compactly: each record a 28-byte entry, its RDATA in one shared buffer, its
/// owner an index into the zone's distinct names. A million-record zone is then a few arrays rather than a few
/// million objects, which is most of a big load's peak memory. <see cref="ResourceRecord"/>s are made on demand
/// for <c>check</c>'s rules and tools; the builder reads the entries.
/// </summary>
internal sealed class ZoneRecords : IReadOnlyList<ResourceRecord>
{
    private readonly List<string> _owners = [];
    private readonly List<DnsName> _targets = [];
    private readonly List<string> _files = [];
    private Dictionary<string, int>? _ownerIndex = new(StringComparer.Ordinal);
    private Entry[] _entries = [];
    private byte[] _rdata = [];
    private int _rdataLength;

    public int Count { get; private set; }

    /// <summary>True while each owner's records follow one another (no owner comes back after another one).</summary>
    public bool OwnersTogether { get; private set; } = true;

    /// <summary>Distinct owner names, each once as its key, in the order they first appear.</summary>
    public IReadOnlyList<string> OwnerKeys => _owners;

    public ResourceRecord this[int index]
    {
        get
        {
            var entry = _entries[index];
            return new ResourceRecord(
                DnsName.FromKey(_owners[entry.Owner]), entry.Type, entry.Ttl, Rdata(index).ToArray(), Target(index), _files[entry.File], entry.Line);
        }
    }

    public void Add(DnsName owner, ushort type, uint ttl, ReadOnlySpan<byte> rdata, DnsName? target, string file, int line)
    {
        var owners = _ownerIndex ?? throw new InvalidOperationException("the records are complete");
        ref var ownerIndex = ref CollectionsMarshal.GetValueRefOrAddDefault(owners, owner.Key, out var known);
        if (!known)
        {
            ownerIndex = _owners.Count;
            _owners.Add(owner.Key);
        }
        else if (ownerIndex != _entries[Count - 1].Owner)
        {
            OwnersTogether = false;
        }

        if (_files.Count == 0 || !ReferenceEquals(_files[^1], file))
        {
            _files.Add(file);
        }

        if (_rdataLength + rdata.Length > _rdata.Length)
        {
            Array.Resize(ref _rdata, Math.Max(_rdata.Length * 2, Math.Max(_rdataLength + rdata.Length, 4096)));
        }

        rdata.CopyTo(_rdata.AsSpan(_rdataLength));
        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, Math.Max(_entries.Length * 2, 64));
        }

        _entries[Count++] = new Entry
        {
            Owner = ownerIndex,
            Type = type,
            Ttl = ttl,
            RdataStart = _rdataLength,
            RdataLength = (ushort)rdata.Length,
            Target = target is null ? -1 : _targets.Count,
            File = _files.Count - 1,
            Line = line,
        };
        _rdataLength += rdata.Length;
        if (target is not null)
        {
            _targets.Add(target);
        }
    }

    /// <summary>
    /// Ends the reading: the index of owners goes and the arrays shrink to what they hold, so that while the zone is
    /// built from them they take no more than the records need.
    /// </summary>
    public ZoneRecords Complete()
    {
        _ownerIndex = null;
        Array.Resize(ref _entries, Count);
        Array.Resize(ref _rdata, _rdataLength);
        _owners.TrimExcess();
        return this;
    }

    /// <summary>The index into <see cref="OwnerKeys"/> of record <paramref name="index"/>'s owner.</summary>
    public int OwnerOf(int index) => _entries[index].Owner;

    public ushort TypeOf(int index) => _entries[index].Type;

    public uint TtlOf(int index) => _entries[index].Ttl;

    public ReadOnlySpan<byte> Rdata(int index) => _rdata.AsSpan(_entries[index].RdataStart, _entries[index].RdataLength);

    public DnsName? Target(int index) => _entries[index].Target < 0 ? null : _targets[_entries[index].Target];

    public string FileOf(int index) => _files[_entries[index].File];

    public int LineOf(int index) => _entries[index].Line;

    public IEnumerator<ResourceRecord> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private struct Entry
    {
        public int Owner;
        public int RdataStart;
        public int Target;
        public int File;
        public int Line;
        public uint Ttl;
        public ushort Type;
        public ushort RdataLength;
    }
}
