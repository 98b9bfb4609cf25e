// The initfs as its holder sees it: the archive mapped read-only at a known address, plus a
// frame capability for each of its pages (so programs can be mapped from it without copying).
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

    public FormatStatus Find(string path, out byte* data, out ulong length)
    {
        data = null;
        length = 0;
        FormatStatus s = CpioReader.TryCreate(Base, Size, out CpioReader reader);
        if (s == FormatStatus.Ok) s = reader.Find(path, out CpioEntry entry) is var f && f == FormatStatus.Ok ? Take(entry, out data, out length) : f;
        return s;
    }

    public FormatStatus Find(System.ReadOnlySpan<byte> path, out byte* data, out ulong length)
    {
        data = null;
        length = 0;
        FormatStatus s = CpioReader.TryCreate(Base, Size, out CpioReader reader);
        if (s == FormatStatus.Ok) s = reader.Find(path, out CpioEntry entry) is var f && f == FormatStatus.Ok ? Take(entry, out data, out length) : f;
        return s;
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
