// The Linux process's memory, owned by the personality: its address space object and every frame
// mapped in it. Each range is covered by frames as large as its alignment allows (up to 1 MiB), and
// the personality keeps a second capability to each frame so that it can map it into its own address
// space, one frame at a time, at a scratch window: that is how it loads the image and reads and
// writes the buffers a syscall names. The last frame mapped stays mapped until another is needed, so a
// run of accesses to one buffer costs one Map. Addresses a Linux program names are allegations: an
// access anywhere outside the frames fails (EFAULT), and nothing else of the personality is reachable.
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.User;

namespace Vireo.Linux;

public sealed unsafe partial class LinuxMemory
{
    private const ulong Window = 0x0000_6100_0000_0000;   // 1 MiB aligned, in the personality's own space
    /// <summary>A free page beside the window, in the same page table (the personality's address space
    /// has a small pool of table pages): the stack of the personality's timer thread.</summary>
    public const ulong BesideWindow = Window + (1UL << MaxFrameBits);
    private const int MaxFrameBits = 20;
    private const int AddressSpaceBits = 17;

    private sealed class Region
    {
        public ulong Start;
        public ulong Size;
        public CapHandle Child;   // mapped in the Linux process
        public CapHandle Own;     // mapped at the window when accessed
        public Rights Rights;     // as mapped in the Linux process (a fork maps its copy so)
    }

    private readonly List<Region> _regions = new List<Region>();
    private Region _mapped;
    // The window is one place in the personality's space, shared by every process's memory: the
    // memory whose frame is there now (its _mapped says which).
    private static LinuxMemory s_windowHolder;
    public CapHandle AddressSpace;

    public Status Create() => CSpace.Make(ObjectType.AddressSpace, AddressSpaceBits, out AddressSpace);

    /// <summary>Maps fresh zeroed memory at [start, start + size) (page aligned) with `rights` in the
    /// Linux process. Occupied if any of it is mapped already.</summary>
    public Status Map(ulong start, ulong size, Rights rights)
    {
        if (((start | size) & 0xFFF) != 0) return Status.NotAligned;
        if (Overlaps(start, size)) return Status.Occupied;
        ulong done = 0;
        while (done < size)
        {
            ulong at = start + done;
            int bits = MaxFrameBits;
            while (bits > 12 && ((at & ((1UL << bits) - 1)) != 0 || size - done < 1UL << bits)) bits--;
            Status s = CSpace.Make(ObjectType.Frame, bits, out CapHandle frame);
            if (s != Status.Ok) return s;
            if (!CSpace.TryAlloc(out uint slot))
            {
                CSpace.Release(frame);
                return Status.NoSpace;
            }
            s = Sys.Copy(frame, CSpace.Self, slot, Rights.Read | Rights.Write | Rights.Map, out CapHandle own);
            if (s == Status.Ok) s = Sys.Map(AddressSpace, frame, at, rights | Rights.Read);
            if (s != Status.Ok)
            {
                CSpace.Release(frame);
                if (own.Value != 0) CSpace.Release(own);
                else CSpace.Free(slot);
                return s;
            }
            _regions.Add(new Region { Start = at, Size = 1UL << bits, Child = frame, Own = own, Rights = rights | Rights.Read });
            done += 1UL << bits;
        }
        return Status.Ok;
    }

    /// <summary>Unmaps and frees the frames wholly inside [start, start + size).</summary>
    public void Unmap(ulong start, ulong size)
    {
        for (int i = _regions.Count - 1; i >= 0; i--)
        {
            Region r = _regions[i];
            if (r.Start < start || r.Start + r.Size > start + size) continue;
            if (_mapped == r) _mapped = null;
            CSpace.Release(r.Own);     // deleting a mapped frame capability unmaps it
            CSpace.Release(r.Child);
            _regions.RemoveAt(i);
        }
    }

    public bool Overlaps(ulong start, ulong size)
    {
        foreach (Region r in _regions)
            if (r.Start < start + size && start < r.Start + r.Size) return true;
        return false;
    }

    /// <summary>Whether every byte of [address, address + length) is mapped.</summary>
    public bool IsMapped(ulong address, ulong length)
    {
        while (length > 0)
        {
            Region r = Find(address);
            if (r == null) return false;
            ulong n = r.Start + r.Size - address;
            if (n >= length) return true;
            address += n;
            length -= n;
        }
        return true;
    }

    /// <summary>A pointer through which the personality reads and writes the Linux process's byte at
    /// `address`, valid for `available` bytes and until the next call; null if nothing is mapped there.</summary>
    public byte* At(ulong address, out ulong available)
    {
        available = 0;
        Region r = Find(address);
        if (r == null) return null;
        if (_mapped != r || s_windowHolder != this)
        {
            // The window holds one frame at a time: the previous one leaves it first.
            LeaveWindow();
            if (Sys.Map(CSpace.SelfAddressSpace, r.Own, Window, Rights.Read | Rights.Write) != Status.Ok) return null;
            _mapped = r;
            s_windowHolder = this;
        }
        available = r.Start + r.Size - address;
        return (byte*)Window + (address - r.Start);
    }

    private static void LeaveWindow()
    {
        LinuxMemory holder = s_windowHolder;
        if (holder == null) return;
        if (holder._mapped != null) _ = Sys.Unmap(holder._mapped.Own);   // it is mapped: Ok
        holder._mapped = null;
        s_windowHolder = null;
    }

    /// <summary>Frees every frame and the address space (the process ended).</summary>
    public void Release()
    {
        if (s_windowHolder == this) LeaveWindow();
        Unmap(0, BootstrapLayout.UserTop);
        if (AddressSpace.Value != 0) CSpace.Release(AddressSpace);
        AddressSpace = default;
    }

    /// <summary>Copies from the Linux process into `to`; false (EFAULT) if any of it is not mapped.</summary>
    public bool Read(ulong address, byte* to, ulong length) => Copy(address, to, length, toLinux: false);

    /// <summary>Copies into the Linux process; false (EFAULT) if any of it is not mapped.</summary>
    public bool Write(ulong address, byte* from, ulong length) => Copy(address, from, length, toLinux: true);

    public bool WriteWord(ulong address, ulong value) => Write(address, (byte*)&value, 8);

    public bool ReadWord(ulong address, out ulong value)
    {
        ulong v = 0;
        bool ok = Read(address, (byte*)&v, 8);
        value = v;
        return ok;
    }

    private bool Copy(ulong address, byte* buffer, ulong length, bool toLinux)
    {
        if (!IsMapped(address, length)) return false;
        while (length > 0)
        {
            byte* p = At(address, out ulong available);
            if (p == null) return false;
            ulong n = available < length ? available : length;
            if (toLinux) System.Buffer.MemoryCopy(buffer, p, (long)n, (long)n);
            else System.Buffer.MemoryCopy(p, buffer, (long)n, (long)n);
            address += n;
            buffer += n;
            length -= n;
        }
        return true;
    }

    private Region Find(ulong address)
    {
        if (_mapped != null && s_windowHolder == this && address >= _mapped.Start && address - _mapped.Start < _mapped.Size) return _mapped;
        foreach (Region r in _regions)
            if (address >= r.Start && address - r.Start < r.Size) return r;
        return null;
    }
}
