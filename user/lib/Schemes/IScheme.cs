// What a scheme daemon writes: the operations it has. Everything else is the library's: FileTable
// keeps the open files (Open, Dup, Close and Fstat bookkeeping) and answers NotSupported for any
// operation a handler leaves unanswered (SchemeServer stages that answer before each request).
// Implemented by a stateless struct, so FileTable's generic code is specialised for each daemon by
// ilc and every hook is a direct call (as IObjectHooks in the kernel).
using Vireo.Abi;

namespace Vireo.User.Schemes;

public interface IScheme<TFile> where TFile : struct
{
    /// <summary>A request through the scheme capability (Open, Stat, Unlink, Mkdir, Rmdir, Rename, or
    /// a scheme's own): answer it (an Open with FileTable.Open) or leave it for NotSupported.</summary>
    void OnPath(ref Request r);

    /// <summary>A request through open file `id` other than Dup, Close and Fstat, which FileTable
    /// answers itself: Read, Write, Seek, Getdents, Watch... Unanswered ones get NotSupported.</summary>
    void OnFile(ref Request r, uint id, ref TFile file);

    /// <summary>File `id` was made holding this state (an Open, a Dup's copy, FileTable.NewFile):
    /// count one more file on what it names, if anything counts them.</summary>
    void Opened(uint id, ref TFile file);

    /// <summary>File `id` went (a Close, a hand-over that failed, FileTable.Close): drop that count,
    /// release what only it held. The entry is free once this returns.</summary>
    void Closed(uint id, ref TFile file);

    /// <summary>What Fstat answers (FileStats.Of for a file with only a kind and a size); its Kind is
    /// also what an Open or Dup answers with.</summary>
    void Stat(ref TFile file, out FileStat st);
}
