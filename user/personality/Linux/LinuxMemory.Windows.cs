// The personality's scratch windows onto Linux frames: a frame is read or written by mapping a copy
// of its capability at a fixed address in the personality's own space. A copy lives only while it
// is shown, so a frame costs the personality one capability slot, not two; the window keeps showing
// a frame until another is needed there, so a run of accesses to one page costs one Copy and Map.
// Windows 0 and 3 serve At (syscall buffers), taking turns, so that a buffer across two pages (a
// 4 KiB read into a buffer that is not page aligned) keeps both shown from one call to the next
// instead of showing each again every call; 0 also fills new pages, 1 shows the second frame of a
// copy (fork's copy-on-write), 2 a frame being copied from or read (ShowFrame: a file's cached page, a
// copy-on-write page's frame), which it keeps showing until another is asked for.
using Vireo.Abi;
using Vireo.User;

namespace Vireo.Linux;

public sealed unsafe partial class LinuxMemory
{
    private const int Windows = 4;
    private const int OtherAtWindow = 3;
    private const ulong WindowBase = 0x0000_6100_0000_0000;   // in the personality's own space
    /// <summary>A free page beside the windows, in the same page table (the personality's address space
    /// has a small pool of table pages): the stack of the personality's timer thread.</summary>
    public const ulong BesideWindow = WindowBase + (1UL << 20);
    private static readonly CapHandle[] s_copy = new CapHandle[Windows];
    private static readonly object[] s_shown = new object[Windows];   // the Page (or frame) shown
    private static int s_atLast;   // the At window used last (0 or OtherAtWindow): the other goes first

    // Shows the frame of `p` at window `w` (writable unless it is a file's shared frame).
    private static byte* Show(int w, Page p)
    {
        if (s_shown[w] == p) return (byte*)(WindowBase + (ulong)w * PageSize);
        return ShowCap(w, p.Cap, p.Shared && !p.Writable ? Rights.Read : Rights.Read | Rights.Write, p);
    }

    // Shows the frame of `p` for At: where it is shown already, else in the At window used less recently.
    private static byte* ShowForAt(Page p)
    {
        int w = s_shown[0] == p ? 0 : s_shown[OtherAtWindow] == p ? OtherAtWindow : s_atLast == 0 ? OtherAtWindow : 0;
        s_atLast = w;
        return Show(w, p);
    }

    private static byte* ShowCap(int w, CapHandle cap, Rights rights, object owner)
    {
        Hide(w);
        if (CSpace.Copy(cap, rights | Rights.Map, out CapHandle copy) != Status.Ok) return null;
        ulong at = WindowBase + (ulong)w * PageSize;
        if (Sys.Map(CSpace.SelfAddressSpace, copy, at, rights) != Status.Ok)
        {
            CSpace.Release(copy);
            return null;
        }
        s_copy[w] = copy;
        s_shown[w] = owner;
        return (byte*)at;
    }

    private static void Hide(int w)
    {
        if (s_copy[w].Value != 0) CSpace.Release(s_copy[w]);   // deleting the copy unmaps it
        s_copy[w] = default;
        s_shown[w] = null;
    }

    // A page about to go must not stay shown.
    private static void Forget(Page p)
    {
        for (int w = 0; w < Windows; w++)
            if (s_shown[w] == p) Hide(w);
    }

    private static ulong s_frameShown;   // the capability ShowFrame shows (window 2), 0 if none
    private static bool s_frameWritable;

    /// <summary>Shows `frame` at window 2 (read-only unless `writable`) until HideFrame or the next
    /// ShowFrame of another frame: a file's cached page (BackingFile) or a copy-on-write frame.</summary>
    public static byte* ShowFrame(CapHandle frame, bool writable)
    {
        if (s_frameShown == frame.Value && frame.Value != 0 && s_copy[2].Value != 0 && (s_frameWritable || !writable)) return (byte*)(WindowBase + 2 * PageSize);
        byte* at = ShowCap(2, frame, writable ? Rights.Read | Rights.Write : Rights.Read, null);
        s_frameShown = at != null ? frame.Value : 0;
        s_frameWritable = writable;
        return at;
    }

    public static void HideFrame()
    {
        Hide(2);
        s_frameShown = 0;
    }

    /// <summary>Where an empty file's head is "shown": nothing of it may be read.</summary>
    public static byte* ShowNothing() => (byte*)(WindowBase + 2 * PageSize);
}
