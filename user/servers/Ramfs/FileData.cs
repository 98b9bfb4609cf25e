// A file's bytes: an index page lists the numbers of its data pages (PerIndex of them, so a file
// holds at most MaxSize bytes). A missing page is a hole and reads as zeros: Ftruncate and seeking
// past the end cost nothing until written. Invariant: bytes past Size inside a page are zero
// (pages come zeroed and shrinking clears the tail), so growing a file never shows old data.
//
// Readers may map the pages (Mapping.cs, the library's FileMapping): every change of the size or of a page's bytes is made
// between FileMap.BeginChange and EndChange on the node's header, so a reader that raced it copies
// again; and while the node is pinned (a handle was given its pages) no data page is freed: a shrink
// zeroes the pages past the end and Trim frees them once no handle maps the node.
using System.Runtime;
using System.Runtime.CompilerServices;
using Vireo.Abi;
using Vireo.User.Schemes;

static unsafe class FileData
{
    public const int PerIndex = DataPages.Size / sizeof(uint);
    public const ulong MaxSize = (ulong)PerIndex * DataPages.Size;   // 4 MiB

    /// <summary>Copies up to `count` bytes from `position` into `into`; returns how many (0 at the end).</summary>
    public static int Read(Node* n, ulong position, byte* into, int count)
    {
        if (position >= n->Size) return 0;
        if ((ulong)count > n->Size - position) count = (int)(n->Size - position);
        int done = 0;
        while (done < count)
        {
            ulong at = position + (ulong)done;
            int offset = (int)(at % DataPages.Size);
            int chunk = DataPages.Size - offset < count - done ? DataPages.Size - offset : count - done;
            uint page = PageOf(n, at / DataPages.Size);
            if (page == 0) DataPages.Zero(into + done, chunk);
            else System.Buffer.MemoryCopy(DataPages.Address(page) + offset, into + done, chunk, chunk);
            done += chunk;
        }
        return done;
    }

    /// <summary>Copies `count` bytes to `position`, making pages as needed. Stops early when no page
    /// is left: `written` says how many went; NoSpace only when none did.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // the one-page case inline, the rest is WriteAny
    public static Status Write(Node* n, ulong position, byte* from, int count, out int written)
    {
        // Within one page the file has already (a 4 KiB write over cached data, FileWrite's usual
        // case): no page to make, one copy.
        int offset = (int)(position & (DataPages.Size - 1));
        if (n->IndexPage != 0 && position < MaxSize && count > 0 && offset + count <= DataPages.Size)
        {
            uint page = ((uint*)DataPages.Address(n->IndexPage))[position / DataPages.Size];
            if (page != 0)
            {
                FileMapHeader* h = FileMapping.Header(ref n->Map);
                FileMap.BeginChange(h);
                CopyForward(DataPages.Address(page) + offset, from, (nuint)count);
                if (position + (ulong)count > n->Size) n->Size = position + (ulong)count;
                FileMap.EndChange(h, n->Size);
                written = count;
                return Status.Ok;
            }
        }
        return WriteAny(n, position, from, count, out written);
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_memcopy_forward")]
    private static extern void CopyForward(byte* destination, byte* source, nuint length);

    private static Status WriteAny(Node* n, ulong position, byte* from, int count, out int written)
    {
        written = 0;
        if (count == 0) return Status.Ok;
        if (position >= MaxSize) return Status.NoSpace;
        if ((ulong)count > MaxSize - position) count = (int)(MaxSize - position);
        if (n->IndexPage == 0)
        {
            if (DataPages.Alloc(out uint index) != Status.Ok) return Status.NoSpace;
            n->IndexPage = index;
        }
        uint* pages = (uint*)DataPages.Address(n->IndexPage);
        FileMapHeader* header = FileMapping.Header(ref n->Map);
        FileMap.BeginChange(header);
        while (written < count)
        {
            ulong at = position + (ulong)written;
            int offset = (int)(at % DataPages.Size);
            int chunk = DataPages.Size - offset < count - written ? DataPages.Size - offset : count - written;
            uint i = (uint)(at / DataPages.Size);
            if (pages[i] == 0)
            {
                if (DataPages.Alloc(out uint page) != Status.Ok) break;
                pages[i] = page;
            }
            System.Buffer.MemoryCopy(from + written, DataPages.Address(pages[i]) + offset, chunk, chunk);
            written += chunk;
        }
        if (position + (ulong)written > n->Size) n->Size = position + (ulong)written;
        FileMap.EndChange(header, n->Size);
        if (written == 0)
        {
            DropEmptyIndex(n);
            return Status.NoSpace;
        }
        return Status.Ok;
    }

    /// <summary>Sets the size: shrinking frees whole pages past it and clears the rest of the last
    /// one; growing leaves a hole. NoSpace past MaxSize.</summary>
    public static Status Truncate(Node* n, ulong size)
    {
        if (size > MaxSize) return Status.NoSpace;
        FileMapHeader* header = FileMapping.Header(ref n->Map);
        FileMap.BeginChange(header);
        if (size < n->Size && n->IndexPage != 0)
        {
            uint* pages = (uint*)DataPages.Address(n->IndexPage);
            ulong keep = (size + DataPages.Size - 1) / DataPages.Size;
            bool pinned = n->Map.Maps != 0;
            for (int i = Next(pages, (int)keep); i < PerIndex; i = Next(pages, i + 1))
            {
                if (pinned)
                {
                    // A reader may map it: zeroed, kept until the last mapping handle closes (Trim).
                    DataPages.Zero(DataPages.Address(pages[i]), DataPages.Size);
                    n->Map.KeptPages = true;
                    continue;
                }
                DataPages.Free(pages[i]);
                pages[i] = 0;
            }
            int tail = (int)(size % DataPages.Size);
            if (tail != 0 && pages[keep - 1] != 0) DataPages.Zero(DataPages.Address(pages[keep - 1]) + tail, DataPages.Size - tail);
        }
        n->Size = size;
        FileMap.EndChange(header, size);
        if (size == 0) DropEmptyIndex(n);
        return Status.Ok;
    }

    /// <summary>Frees the pages past the end that a pinned truncate kept (they are all zero).</summary>
    public static void Trim(Node* n)
    {
        if (n->IndexPage == 0) return;
        uint* pages = (uint*)DataPages.Address(n->IndexPage);
        for (int i = Next(pages, (int)((n->Size + DataPages.Size - 1) / DataPages.Size)); i < PerIndex; i = Next(pages, i + 1))
        {
            DataPages.Free(pages[i]);
            pages[i] = 0;
        }
        DropEmptyIndex(n);
    }

    /// <summary>The page holding file page `i` (below PerIndex), 0 for a hole.</summary>
    public static uint PageAt(Node* n, ulong i) => PageOf(n, i);

    /// <summary>Gives file page `i` (below PerIndex, a hole) a zeroed page of its own: Fmap. The
    /// bytes read the same (zeros), so readers need no new sequence number.</summary>
    public static Status MakePage(Node* n, ulong i, out uint page)
    {
        page = 0;
        if (n->IndexPage == 0)
        {
            if (DataPages.Alloc(out uint index) != Status.Ok) return Status.NoSpace;
            n->IndexPage = index;
        }
        if (DataPages.Alloc(out page) != Status.Ok)
        {
            DropEmptyIndex(n);
            return Status.NoSpace;
        }
        ((uint*)DataPages.Address(n->IndexPage))[i] = page;
        return Status.Ok;
    }

    // The first listed page at or after `from` (PerIndex when none): two entries per load, since
    // most of an index page is empty and truncate, unlink and close walk all of it.
    private static int Next(uint* pages, int from)
    {
        int i = from;
        if ((i & 1) != 0 && i < PerIndex)
        {
            if (pages[i] != 0) return i;
            i++;
        }
        ulong* pairs = (ulong*)pages;
        for (; i < PerIndex; i += 2)
        {
            ulong pair = pairs[i >> 1];
            if (pair == 0) continue;
            return (uint)pair != 0 ? i : i + 1;
        }
        return PerIndex;
    }

    private static uint PageOf(Node* n, ulong i) =>
        n->IndexPage == 0 ? 0 : ((uint*)DataPages.Address(n->IndexPage))[i];

    // An index page that lists no page is given back (a file that never got data costs nothing).
    private static void DropEmptyIndex(Node* n)
    {
        if (n->IndexPage == 0) return;
        if (Next((uint*)DataPages.Address(n->IndexPage), 0) < PerIndex) return;
        DataPages.Free(n->IndexPage);
        n->IndexPage = 0;
    }
}
