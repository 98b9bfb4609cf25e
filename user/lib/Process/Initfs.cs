// The initfs as its holder sees it: the archive mapped read-only at a known address, plus a
// frame capability for each of its pages (so programs can be mapped from it without copying).
// Finding a file walks the cpio headers from the start, so the last few paths found are kept
// (a process manager starts the same programs again and again: shell commands, restarts).
using Vireo.Abi;
using Vireo.Formats;

namespace Vireo.User;

public unsafe struct InitfsImage
{
    public byte* Base;          // mapped address of the archive's first byte
    public ulong Size;
    public ulong PageBase;      // Base rounded down to its page: frame capability i maps PageBase + i * 4096
    public uint FirstFrameSlot;
    public uint FrameCount;

    public static InitfsImage FromBootstrap(BootstrapInfo* info) => new InitfsImage
    {
        Base = (byte*)info->InitfsBase,
        Size = info->InitfsSize,
        PageBase = info->InitfsBase & ~0xFFFUL,
        FirstFrameSlot = (uint)info->InitfsFrameSlot,
        FrameCount = (uint)info->InitfsFrameCount,
    };

    private const int CacheEntries = 4;
    private const int CacheNameBytes = 48;
    private fixed byte _cacheNames[CacheEntries * CacheNameBytes];
    private fixed int _cacheLengths[CacheEntries];   // 0: empty
    private fixed ulong _cacheData[CacheEntries];
    private fixed ulong _cacheSizes[CacheEntries];
    private int _cacheNext;

    public FormatStatus Find(string path, out byte* data, out ulong length)
    {
        if (path.Length <= CacheNameBytes)
        {
            byte* bytes = stackalloc byte[CacheNameBytes];
            for (int i = 0; i < path.Length; i++) bytes[i] = path[i] < 128 ? (byte)path[i] : (byte)0;
            return Find(new System.ReadOnlySpan<byte>(bytes, path.Length), out data, out length);
        }
        data = null;
        length = 0;
        FormatStatus s = CpioReader.TryCreate(Base, Size, out CpioReader reader);
        if (s == FormatStatus.Ok) s = reader.Find(path, out CpioEntry entry) is var f && f == FormatStatus.Ok ? Take(entry, out data, out length) : f;
        return s;
    }

    public FormatStatus Find(System.ReadOnlySpan<byte> path, out byte* data, out ulong length)
    {
        if (Cached(path, out data, out length)) return FormatStatus.Ok;
        FormatStatus s = CpioReader.TryCreate(Base, Size, out CpioReader reader);
        if (s == FormatStatus.Ok) s = reader.Find(path, out CpioEntry entry) is var f && f == FormatStatus.Ok ? Take(entry, out data, out length) : f;
        if (s == FormatStatus.Ok) Remember(path, data, length);
        return s;
    }

    private bool Cached(System.ReadOnlySpan<byte> path, out byte* data, out ulong length)
    {
        data = null;
        length = 0;
        for (int e = 0; e < CacheEntries; e++)
        {
            if (_cacheLengths[e] != path.Length || path.Length == 0) continue;
            int i = 0;
            while (i < path.Length && _cacheNames[e * CacheNameBytes + i] == path[i]) i++;
            if (i < path.Length) continue;
            data = (byte*)_cacheData[e];
            length = _cacheSizes[e];
            return true;
        }
        return false;
    }

    private void Remember(System.ReadOnlySpan<byte> path, byte* data, ulong length)
    {
        if (path.Length > CacheNameBytes) return;
        int e = _cacheNext;
        _cacheNext = (e + 1) % CacheEntries;
        for (int i = 0; i < path.Length; i++) _cacheNames[e * CacheNameBytes + i] = path[i];
        _cacheLengths[e] = path.Length;
        _cacheData[e] = (ulong)data;
        _cacheSizes[e] = length;
    }

    private FormatStatus Take(CpioEntry entry, out byte* data, out ulong length)
    {
        data = Base + entry.DataOffset;
        length = (ulong)entry.FileSize;
        return FormatStatus.Ok;
    }

    /// <summary>The frame capability holding the initfs page at `address`, if it is one of ours.</summary>
    public bool TryFrameFor(byte* address, out CapHandle frame)
    {
        ulong page = ((ulong)address - PageBase) >> 12;
        frame = default;
        if ((ulong)address < PageBase || page >= FrameCount) return false;
        frame = new CapHandle(FirstFrameSlot + (uint)page, 0);
        return true;
    }
}
