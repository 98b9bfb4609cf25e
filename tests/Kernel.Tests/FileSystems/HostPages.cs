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
    /// <summary>Whether AllocRun gives runs (the daemon's pool does; off by default, so the other
    /// tests see pages only).</summary>
    public bool Runs;
    public int RunsMade;
    /// <summary>Asked before NoSpace, as DataPages.Reclaim (a FileCaches' Reclaim; null: nothing is given back).</summary>
    public Func<bool, bool> Reclaim;

    /// <summary>A store over these pages, for a cache to take.</summary>
    public HostPageStore Store => new HostPageStore { Pages = this };

    public byte* Address(uint page) => (byte*)Live[page];

    // Whether `count` more pages fit under Limit, after asking Reclaim (for a run: `run`) while not.
    internal bool Room(int count, bool run)
    {
        while (Live.Count + count > Limit)
            if (Reclaim == null || !Reclaim(run)) return false;
        return true;
    }
}

internal unsafe struct HostPageStore : IPageStore
{
    public HostPages Pages;

    public Status Alloc(out uint page)
    {
        page = 0;
        if (!Pages.Room(1, run: false)) return Status.NoSpace;
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

    /// <summary>A run: RunPages pages numbered from a multiple of RunPages, holding old bytes (0xA5),
    /// as a reused run does.</summary>
    public Status AllocRun(out uint first)
    {
        const int run = FilePageCache<HostPageStore>.RunPages;
        first = 0;
        if (!Pages.Runs || !Pages.Room(run, run: true)) return Status.NoSpace;
        Pages.Next = (Pages.Next + run - 1) / run * run;
        first = Pages.Next;
        for (int k = 0; k < run; k++)
        {
            IntPtr p = Marshal.AllocHGlobal(HostPages.PageSize);
            new Span<byte>((void*)p, HostPages.PageSize).Fill(0xA5);
            Pages.Live[Pages.Next++] = p;
        }
        Pages.RunsMade++;
        return Status.Ok;
    }
}
