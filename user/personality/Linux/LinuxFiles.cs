// A Linux process's descriptor table: Linux fd numbers to open files (LinuxFile: a Vireo Fd, shared
// by dup as Linux shares an open file description), each fd with its own close-on-exec bit. Fds 0-2
// start as the personality's standard input, output and error, which closing only forgets.
using Vireo.User.Schemes;

namespace Vireo.Linux;

public sealed class LinuxFile
{
    public Fd Fd;
    public bool Stdio;              // the personality's own: never closed through the daemon
    public ulong StatusFlags;       // the open(2) flags F_GETFL reports (access mode, O_APPEND...)
    public byte[] Path;             // a directory's absolute Linux path (openat and fchdir resolve against it); null for others
    public bool IsDirectory;
    public bool SchemeList;         // /scheme: the list of schemes, served here
    public ulong DirentIndex;       // entries returned so far (getdents64's d_off)
    public byte[] Content;          // a file the personality serves itself (/proc/mounts), and
    public ulong Position;          // where in it the next read starts
    public int Users = 1;           // fds naming it
}

public sealed class LinuxFiles
{
    public const int Max = 256;
    private readonly LinuxFile[] _files = new LinuxFile[Max];
    private readonly bool[] _closeOnExec = new bool[Max];

    public LinuxFiles()
    {
        _files[0] = new LinuxFile { Fd = Fd.Stdin, Stdio = true, StatusFlags = 0 };
        _files[1] = new LinuxFile { Fd = Fd.Stdout, Stdio = true, StatusFlags = 1 };
        _files[2] = new LinuxFile { Fd = Fd.Stderr, Stdio = true, StatusFlags = 1 };
    }

    public LinuxFile Get(ulong fd) => fd < Max ? _files[(int)fd] : null;

    /// <summary>The lowest free fd at or above `from` now naming `file`, or -1 (EMFILE).</summary>
    public int Add(LinuxFile file, bool closeOnExec, int from = 0)
    {
        for (int i = from; i < Max; i++)
        {
            if (_files[i] != null) continue;
            _files[i] = file;
            _closeOnExec[i] = closeOnExec;
            return i;
        }
        return -1;
    }

    /// <summary>Makes `fd` name `file` (dup2), closing what it named.</summary>
    public void Put(int fd, LinuxFile file, bool closeOnExec)
    {
        if (_files[fd] == file) return;
        if (_files[fd] != null) Close((ulong)fd);
        file.Users++;
        _files[fd] = file;
        _closeOnExec[fd] = closeOnExec;
    }

    public bool CloseOnExec(ulong fd) => _closeOnExec[(int)fd];
    public void SetCloseOnExec(ulong fd, bool on) => _closeOnExec[(int)fd] = on;

    /// <summary>Closes the fd; the file goes when no fd names it. False if it was not open.</summary>
    public bool Close(ulong fd)
    {
        LinuxFile f = Get(fd);
        if (f == null) return false;
        _files[(int)fd] = null;
        if (--f.Users == 0 && f.Fd.IsValid && !f.Stdio) _ = Fs.Close(f.Fd);   // Linux's close of a file opened for reading cannot fail either
        return true;
    }
}
