// The daemon's side of mapped file data (docs/adr/0012-mapped-file-data.md), for any file daemon
// (ramfs now; disk: and initfsd can adopt it): answering FileMap, FilePages, FileTransfer and Fmap
// with copies of the daemon's frames, read-only where the reader must not write. The daemon keeps
// its own frames and decides what they hold; this code only hands out copies (children of the
// daemon's capabilities, so revoking the daemon's one takes every copy back) and deletes its own
// copies once they are sent. The header's sequence protocol is FileMap.BeginChange/EndChange.
using Vireo.Abi;

namespace Vireo.User.Schemes;

public static unsafe class FileMapServer
{
    /// <summary>Answers FileMap: the header read-only, the position page and (if not 0: FileMap's w0
    /// = 1) the transfer page read-write.</summary>
    public static void AnswerMap(ref SchemeServer server, CapHandle header, CapHandle position, CapHandle transfer)
    {
        CapHandle* caps = stackalloc CapHandle[3];
        int wanted = transfer.Value != 0 ? 3 : 2, made = 0;
        Status s = CSpace.Copy(header, Rights.Read | Rights.Map, out caps[0]);
        if (s == Status.Ok)
        {
            made = 1;
            s = CSpace.Copy(position, Rights.Read | Rights.Write | Rights.Map, out caps[1]);
        }
        if (s == Status.Ok)
        {
            made = 2;
            if (wanted == 3) s = CSpace.Copy(transfer, Rights.Read | Rights.Write | Rights.Map, out caps[2]);
            if (s == Status.Ok) made = wanted;
        }
        Send(ref server, s, 0, caps, made, wanted);
    }

    /// <summary>Answers FilePages or Fmap with `count` frames (frames[i] the page's frame; a page
    /// without data names the daemon's zero frame and has its bit clear in `data`).</summary>
    public static void AnswerPages(ref SchemeServer server, CapHandle* frames, int count, uint data, bool writable)
    {
        CapHandle* caps = stackalloc CapHandle[MessageInfo.MaxCaps];
        // Execute too: a program's text is mapped from these (docs/adr/0013); W^X holds per mapping.
        Rights rights = Rights.Read | Rights.Execute | Rights.Map;
        int made = 0;
        Status s = Status.Ok;
        for (; made < count; made++)
        {
            bool own = (data & (1u << made)) != 0;
            s = CSpace.Copy(frames[made], own && writable ? Rights.Read | Rights.Write | Rights.Map : rights, out caps[made]);
            if (s != Status.Ok) break;
        }
        Send(ref server, s, data, caps, made, count);
    }

    /// <summary>Answers FileRun: a copy of the run's frame (16 pages, one capability), read-only.</summary>
    public static void AnswerRun(ref SchemeServer server, CapHandle run, uint data)
    {
        CapHandle* caps = stackalloc CapHandle[1];
        Status s = CSpace.Copy(run, Rights.Read | Rights.Map, out caps[0]);
        Send(ref server, s, data, caps, s == Status.Ok ? 1 : 0, 1);
    }

    /// <summary>Answers FileTransfer: the page read-write.</summary>
    public static void AnswerTransfer(ref SchemeServer server, CapHandle page)
    {
        CapHandle* caps = stackalloc CapHandle[1];
        Status s = CSpace.Copy(page, Rights.Read | Rights.Write | Rights.Map, out caps[0]);
        Send(ref server, s, 0, caps, s == Status.Ok ? 1 : 0, 1);
    }

    /// <summary>Whether a FilePages or Fmap request's page range is well formed: 1..3 pages from a
    /// page-aligned start that does not overflow.</summary>
    public static bool ValidRange(ulong first, ulong pages) =>
        pages >= 1 && pages <= MessageInfo.MaxCaps && first < (1UL << 40);

    // Sends `made` copies if all `wanted` were made, else the failure; its own copies go either way
    // (the client holds children of the daemon's frames, not of these).
    private static void Send(ref SchemeServer server, Status s, ulong w0, CapHandle* caps, int made, int wanted)
    {
        // A client that died meanwhile needs no answer (AnswerWithCaps tells one that named no slots).
        if (s == Status.Ok && made == wanted) _ = server.AnswerWithCaps(Status.Ok, w0, caps, made);
        else server.Answer(s == Status.OutOfMemory || s == Status.Ok ? Status.NoSpace : s);
        for (int i = 0; i < made; i++) CSpace.Release(caps[i]);
    }
}
