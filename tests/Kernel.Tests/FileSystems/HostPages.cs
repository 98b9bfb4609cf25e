// Pages from the host's memory for the page caches' tests (FilePageCacheTests, FileCachesTests): the
// store a daemon's DataPages is on the machine, here zeroed pages from the host's heap, at most Limit
// at once (the store running out), with the readers' withdrawals counted.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Vireo.Abi;
using Vireo.User.FileSystems;

namespace Vireo.Tests.FileSystems;

internal sealed unsafe class HostPages
{
    public const int PageSize = FilePageCache<HostPageStore>.PageSize;
    public readonly Dictionary<uint, IntPtr> Live = new();
    public int Limit = int.MaxValue;
    public int Withdrawn;
    public uint Next = 1;

    /// <summary>A store over these pages, for a cache to take.</summary>
    public HostPageStore Store => new HostPageStore { Pages = this };

    public byte* Address(uint page) => (byte*)Live[page];
}

internal unsafe struct HostPageStore : IPageStore
{
    public HostPages Pages;

    public Status Alloc(out uint page)
    {
        page = 0;
        if (Pages.Live.Count >= Pages.Limit) return Status.NoSpace;
        page = Pages.Next++;
        IntPtr p = Marshal.AllocHGlobal(HostPages.PageSize);
        new Span<byte>((void*)p, HostPages.PageSize).Clear();
        Pages.Live[page] = p;
        return Status.Ok;
    }

    public byte* Address(uint page) => Pages.Address(page);

    public void Free(uint page)
    {
        Marshal.FreeHGlobal(Pages.Live[page]);
        Pages.Live.Remove(page);
    }

    public void Withdraw(uint page) => Pages.Withdrawn++;
}
