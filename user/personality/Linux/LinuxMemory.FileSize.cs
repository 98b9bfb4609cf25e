// A file mapping follows its file's size, as Linux's does (mm/filemap.c, mm/truncate.c): a page of a
// file mapping (shared or private) wholly past the end of the file is no memory: a touch of it is
// SIGBUS (BUS_ADRERR), and a syscall's buffer there EFAULT. The size a mapping knows (BackingFile.Size)
// is the one at mmap; the file may grow since (ftruncate, or a write past its end, by this process
// or any other), so a touch past that size asks the daemon for the size now before it refuses (a
// rare event: a program that touches past its file is about to die). A shrinking truncate through
// the personality (FileResized) takes back every page past the new end from every memory mapping
// a file (Linux unmaps them, copies of private pages too), so the next touch faults and is refused.
// Program images are left alone: their size does not change while they run.
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Linux;

public sealed unsafe partial class LinuxMemory
{
    // Whether `page` of `area` lies in the part the file backs but wholly past the file's end (asking
    // the file's daemon for its size now before saying so).
    private bool PastFile(Area area, ulong page)
    {
        if (area.IsAnonymous || !area.PastFile(page, Files[area.File].Size)) return false;
        BackingFile file = Files[area.File];
        if (file.Run || !file.Fd.IsValid || Fs.Fstat(file.Fd, out ulong size, out _) != Status.Ok) return true;
        file.Size = size;
        return area.PastFile(page, size);
    }

    /// <summary>After a file changed size through the personality (ftruncate, truncate): every memory's
    /// file mappings learn their files' sizes, and pages wholly past a smaller end go. A thread's memory
    /// is its leader's (exec from a thread is refused), so each memory is resynced once, through the leader.</summary>
    public static void FileResized()
    {
        for (int i = 0; i < Processes.Max; i++)
        {
            LinuxProcess p = Processes.InSlot(i);
            if (p != null && !p.Ended && !p.IsThread && p.Memory != null) p.Memory.Resync();
        }
    }

    // A fork's memories share BackingFiles: a memory whose file another one has resized already still
    // takes its own pages past the end.
    private void Resync()
    {
        for (int f = 0; f < Files.Count; f++)
        {
            BackingFile file = Files[f];
            if (file.Run || !file.Fd.IsValid || Fs.Fstat(file.Fd, out ulong size, out _) != Status.Ok) continue;
            file.Size = size;
            file.ForgetFrom((size + PageSize - 1) & ~(PageSize - 1));
            for (int i = 0; i < Areas.Count; i++)
            {
                Area a = Areas[i];
                if (a.File != f) continue;
                ulong from = a.FirstPastFile(size);
                if (from < a.End) Discard(from, a.End);
            }
        }
    }
}
