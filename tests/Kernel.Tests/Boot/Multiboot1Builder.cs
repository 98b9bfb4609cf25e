// Lays out a Multiboot1 info structure and its side tables at fixed places in emulated memory.
using System.Collections.Generic;
using Vireo.Tests.Memory;

namespace Vireo.Tests.Boot;

public sealed class Multiboot1Builder
{
    public const ulong InfoPhys = 0x9000;
    public const ulong CmdlinePhys = 0xA000;
    public const ulong ModulesPhys = 0xB000;
    public const ulong ModuleStringsPhys = 0xC000;
    public const ulong MmapPhys = 0xD000;

    private readonly EmulatedPhysMemory _memory;
    private uint _flags;
    private ulong _mmapLength;

    public Multiboot1Builder(EmulatedPhysMemory memory)
    {
        _memory = memory;
    }

    public Multiboot1Builder MemoryBounds(uint lowerKiB, uint upperKiB)
    {
        _flags |= 1u << 0;
        _memory.WriteU32(InfoPhys + 4, lowerKiB);
        _memory.WriteU32(InfoPhys + 8, upperKiB);
        return this;
    }

    public Multiboot1Builder Cmdline(string text)
    {
        _flags |= 1u << 2;
        _memory.WriteCString(CmdlinePhys, text);
        _memory.WriteU32(InfoPhys + 16, (uint)CmdlinePhys);
        return this;
    }

    public Multiboot1Builder Modules(params (uint Start, uint End, string Text)[] modules)
    {
        _flags |= 1u << 3;
        ulong text = ModuleStringsPhys;
        for (int i = 0; i < modules.Length; i++)
        {
            ulong entry = ModulesPhys + (ulong)i * 16;
            _memory.WriteU32(entry, modules[i].Start);
            _memory.WriteU32(entry + 4, modules[i].End);
            _memory.WriteU32(entry + 8, (uint)text);
            text += _memory.WriteCString(text, modules[i].Text);
        }
        _memory.WriteU32(InfoPhys + 20, (uint)modules.Length);
        _memory.WriteU32(InfoPhys + 24, (uint)ModulesPhys);
        return this;
    }

    /// <summary>Appends one mmap entry; <paramref name="size"/> is the value of its leading size field.</summary>
    public Multiboot1Builder MapEntry(ulong @base, ulong length, uint type, uint size = 20)
    {
        _flags |= 1u << 6;
        ulong at = MmapPhys + _mmapLength;
        _memory.WriteU32(at, size);
        _memory.WriteU64(at + 4, @base);
        _memory.WriteU64(at + 12, length);
        _memory.WriteU32(at + 20, type);
        _mmapLength += 4 + (ulong)size;
        _memory.WriteU32(InfoPhys + 44, (uint)_mmapLength);
        _memory.WriteU32(InfoPhys + 48, (uint)MmapPhys);
        return this;
    }

    public Multiboot1Builder Raw(ulong offset, uint value)
    {
        _memory.WriteU32(InfoPhys + offset, value);
        return this;
    }

    public Multiboot1Builder ClearFlags(uint mask)
    {
        _flags &= ~mask;
        return this;
    }

    public ulong Write()
    {
        _memory.WriteU32(InfoPhys, _flags);
        return InfoPhys;
    }
}
