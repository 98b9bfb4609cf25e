// Read-only files whose text is made when they are opened (sys:'s files, pci:'s): one page of text per
// file id, kept for as long as the file is open, read from a position and seekable from the start. A
// dup gets a copy of the original's text, not a fresh one. Written once here for the daemons that serve
// such files.
using System;
using Vireo.Abi;

namespace Vireo.User.Schemes;

public unsafe struct TextFiles
{
    private byte[] _pages;   // kept referenced: a collector must not take it
    private byte* _base;
    public int PageBytes;

    /// <summary>`files` pages of `pageBytes`, allocated once (at start-up).</summary>
    public void Init(int files, int pageBytes)
    {
        PageBytes = pageBytes;
        _pages = new byte[files * pageBytes];
        fixed (byte* p = _pages) _base = p;
    }

    /// <summary>For IScheme.Opened: file `id`'s page; when `text` is already set (a dup), its `length`
    /// bytes are copied there and true is returned; false means the caller renders the text now.</summary>
    public bool Own(uint id, ref byte* text, int length)
    {
        byte* own = _base + id * PageBytes;
        bool copied = text != null;
        if (copied) Buffer.MemoryCopy(text, own, PageBytes, length);
        text = own;
        return copied;
    }

    /// <summary>Answers a Read (at most the request's count and one message) from `position`, advancing it.</summary>
    public static void Read(ref SchemeServer server, ref Request r, byte* text, int length, ref int position)
    {
        int n = length - position;
        if (n > (int)r.W0) n = (int)r.W0;
        if (n > SchemeLimits.MaxData) n = SchemeLimits.MaxData;
        if (n < 0) n = 0;
        Buffer.MemoryCopy(text + position, SchemeCall.Data, SchemeLimits.MaxData, n);
        position += n;
        server.Answer(Status.Ok, 0, 0, 0, n);
    }

    /// <summary>Answers a Seek: from the start only, within the text (InvalidArgument otherwise).</summary>
    public static void Seek(ref SchemeServer server, ref Request r, int length, ref int position)
    {
        if (r.W1 != (ulong)SeekFrom.Start || r.W0 > (ulong)length)
        {
            server.Answer(Status.InvalidArgument);
            return;
        }
        position = (int)r.W0;
        server.Answer(Status.Ok, r.W0);
    }
}
