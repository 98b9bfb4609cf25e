// mkinitfs: packs a directory tree into the initial file system image, a cpio "newc" archive
// (format documented in common/Formats/CpioReader.cs, which is what the kernel reads it with).
// Output bytes are a pure function of the tree's names, contents and executable bits: members
// sorted ordinally by name (so a directory precedes its contents), names relative to the root
// without "./", inode numbers 1, 2, 3... in output order, mtime/uid/gid/devices 0, nlink 2 for
// directories and 1 for files, uppercase hex. Regular files get mode 0100755 when the owner may
// execute them and 0100644 otherwise; directories 040755. The archive ends with the
// "TRAILER!!!" member and is zero-padded to a multiple of 4 KiB so a loader maps it as whole
// pages. Symbolic links are refused rather than silently followed or dropped (.NET cannot tell
// FIFOs or device nodes from files without P/Invoke; a build tree is not expected to hold any).
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Vireo.Tools;

public sealed class InitfsException(string message) : Exception(message);

/// <summary>One archive member: a directory (Data empty) or a regular file.</summary>
public readonly record struct InitfsEntry(string Name, uint Mode, byte[] Data);

public static class Initfs
{
    public const uint DirectoryMode = 0x41ED;      // 040755
    public const uint FileMode = 0x81A4;           // 0100644
    public const uint ExecutableMode = 0x81ED;     // 0100755
    public const int ArchiveAlignment = 4096;
    public const string TrailerName = "TRAILER!!!";

    /// <summary>The newc header's size: CpioReader.HeaderSize (common/Formats is not compiled into the
    /// tools: the tests, which reference them, compile it themselves).</summary>
    private const int HeaderSize = 110;
    private const uint TypeMask = 0xF000;
    private const uint TypeDirectory = 0x4000;
    private const uint TypeRegular = 0x8000;

    /// <summary>Every directory and regular file below root (root itself excluded), names "/"-separated and relative.</summary>
    public static List<InitfsEntry> Collect(string root)
    {
        var rootInfo = new DirectoryInfo(root);
        if (!rootInfo.Exists)
            throw new InitfsException("not a directory");

        var entries = new List<InitfsEntry>();
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = 0,
            IgnoreInaccessible = false,
            ReturnSpecialDirectories = false,
        };
        foreach (FileSystemInfo info in rootInfo.EnumerateFileSystemInfos("*", options))
        {
            string name = Path.GetRelativePath(rootInfo.FullName, info.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (info.LinkTarget != null)
                throw new InitfsException(name + ": symbolic links are not supported");
            if (info is DirectoryInfo)
            {
                entries.Add(new InitfsEntry(name, DirectoryMode, Array.Empty<byte>()));
            }
            else if (info is FileInfo)
            {
                bool executable = !OperatingSystem.IsWindows() && (info.UnixFileMode & UnixFileMode.UserExecute) != 0;
                entries.Add(new InitfsEntry(name, executable ? ExecutableMode : FileMode, File.ReadAllBytes(info.FullName)));
            }
            else
            {
                throw new InitfsException(name + ": not a regular file or directory");
            }
        }

        return entries;
    }

    /// <summary>The archive for these members, in ordinal name order whatever order they come in.</summary>
    public static byte[] Write(IReadOnlyList<InitfsEntry> entries)
    {
        var sorted = new List<InitfsEntry>(entries);
        sorted.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (int i = 0; i < sorted.Count; i++)
        {
            CheckEntry(sorted[i]);
            if (i > 0 && sorted[i - 1].Name == sorted[i].Name)
                throw new InitfsException(sorted[i].Name + ": listed twice");
        }

        var archive = new MemoryStream();
        uint inode = 1;
        for (int i = 0; i < sorted.Count; i++)
        {
            InitfsEntry entry = sorted[i];
            bool directory = (entry.Mode & TypeMask) == TypeDirectory;
            if (!directory && entry.Mode == ExecutableMode)
                AlignNextData(archive, ref inode, entry.Name);
            WriteMember(archive, inode++, entry.Mode, directory ? 2u : 1u, entry.Name, entry.Data);
        }

        WriteMember(archive, 0, 0, 1, TrailerName, Array.Empty<byte>());
        Pad(archive, ArchiveAlignment);
        return archive.ToArray();
    }

    /// <summary>
    /// Executables get their data on a page boundary, so a loader can map their read-only pages straight
    /// from the initfs (zero copy). Standard newc has no alignment field, so a padding member (a regular file
    /// named ".pad-N" holding zeros) goes before the executable, sized to push its data to the boundary.
    /// </summary>
    private static void AlignNextData(MemoryStream archive, ref uint inode, string nextName)
    {
        long nextData = archive.Length + Align4(HeaderSize + Encoding.UTF8.GetByteCount(nextName) + 1);   // WriteMember writes UTF-8
        if (nextData % PageSize == 0)
            return;
        string padName = ".pad-" + inode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        long padHeader = Align4(HeaderSize + padName.Length + 1);   // ASCII
        long need = ((PageSize - (nextData + padHeader) % PageSize) % PageSize);
        WriteMember(archive, inode++, FileMode, 1, padName, new byte[need]);
    }

    private const long PageSize = 4096;
    private static long Align4(long n) => (n + 3) & ~3L;

    /// <summary>The `mkinitfs &lt;out.cpio&gt; &lt;root-dir&gt;` verb.</summary>
    public static int Run(ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length != 2)
        {
            stderr.WriteLine("usage: vireo-tools mkinitfs <out.cpio> <root-dir>");
            return 2;
        }

        try
        {
            List<InitfsEntry> entries = Collect(args[1]);
            byte[] archive = Write(entries);
            File.WriteAllBytes(args[0], archive);
            stdout.WriteLine($"mkinitfs: {entries.Count} entries, {archive.Length} bytes");
            return 0;
        }
        catch (Exception e) when (e is InitfsException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"mkinitfs: {args[1]}: {e.Message}");
            return 1;
        }
    }

    private static void CheckEntry(InitfsEntry entry)
    {
        string name = entry.Name;
        if (string.IsNullOrEmpty(name) || name.Contains('\0') || name.StartsWith('/') || name.EndsWith('/'))
            throw new InitfsException("bad member name '" + name + "'");
        foreach (string part in name.Split('/'))
        {
            if (part.Length == 0 || part == "." || part == "..")
                throw new InitfsException("bad member name '" + name + "'");
        }

        if (name == TrailerName)
            throw new InitfsException("member name '" + name + "' is reserved");
        uint type = entry.Mode & TypeMask;
        if (type == TypeDirectory ? entry.Data.Length != 0 : type != TypeRegular)
            throw new InitfsException(name + ": only directories (without data) and regular files are supported");
        if ((ulong)entry.Data.LongLength > uint.MaxValue)
            throw new InitfsException(name + ": larger than 4 GiB");
    }

    private static void WriteMember(MemoryStream archive, uint inode, uint mode, uint links, string name, byte[] data)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        var header = new StringBuilder("070701", HeaderSize);
        foreach (uint field in new[] { inode, mode, 0u, 0u, links, 0u, (uint)data.Length, 0u, 0u, 0u, 0u, (uint)nameBytes.Length + 1, 0u })
            header.Append(field.ToString("X8", System.Globalization.CultureInfo.InvariantCulture));
        archive.Write(Encoding.ASCII.GetBytes(header.ToString()));
        archive.Write(nameBytes);
        archive.WriteByte(0);
        Pad(archive, 4);
        archive.Write(data);
        Pad(archive, 4);
    }

    private static void Pad(MemoryStream stream, int alignment)
    {
        while (stream.Length % alignment != 0)
            stream.WriteByte(0);
    }
}
