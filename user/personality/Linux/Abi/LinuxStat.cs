// Linux's struct stat for x86_64 (arch/x86/include/uapi/asm/stat.h, 144 bytes) and struct
// linux_dirent64 (d_ino, d_off, d_reclen, d_type, d_name), packed from what Vireo's schemes answer:
// a FileStat (whose mode bits are Linux's already) and Getdents records (u8 kind, u8 length, name).
// Portable: tests/Kernel.Tests/Linux checks every offset.
using System;
using Vireo.Abi;

namespace Vireo.Linux.Abi;

public static class LinuxStat
{
    public const int Size = 144;

    /// <summary>Writes `st` as Linux's struct stat into `into` (at least Size bytes).</summary>
    public static void Pack(in FileStat st, Span<byte> into)
    {
        into.Slice(0, Size).Clear();
        Put64(into, 0, st.Device);                  // st_dev
        Put64(into, 8, st.Inode);                   // st_ino
        Put64(into, 16, st.Links);                  // st_nlink (a long on x86_64, before st_mode)
        Put32(into, 24, st.Mode);                   // st_mode
        Put32(into, 28, st.Uid);                    // st_uid
        Put32(into, 32, st.Gid);                    // st_gid; 36: __pad0
        Put64(into, 40, st.RawDevice);              // st_rdev
        Put64(into, 48, st.Size);                   // st_size
        Put64(into, 56, st.BlockSize == 0 ? 4096UL : st.BlockSize);   // st_blksize
        Put64(into, 64, st.Blocks);                 // st_blocks
        Put64(into, 72, (ulong)st.Access.Seconds);  // st_atime, st_atime_nsec
        Put64(into, 80, st.Access.Nanoseconds);
        Put64(into, 88, (ulong)st.Modify.Seconds);  // st_mtime
        Put64(into, 96, st.Modify.Nanoseconds);
        Put64(into, 104, (ulong)st.Change.Seconds); // st_ctime; 120..143: __unused
        Put64(into, 112, st.Change.Nanoseconds);
    }

    public const int StatfsSize = 120;

    /// <summary>Writes `st` as Linux's struct statfs (x86_64: f_type, f_bsize, f_blocks, f_bfree,
    /// f_bavail, f_files, f_ffree, f_fsid, f_namelen, f_frsize, f_flags, f_spare[4]) into `into`.</summary>
    public static void PackStatfs(in FsStat st, Span<byte> into)
    {
        into.Slice(0, StatfsSize).Clear();
        Put64(into, 0, st.Type);
        Put64(into, 8, st.BlockSize);
        Put64(into, 16, st.Blocks);
        Put64(into, 24, st.BlocksFree);
        Put64(into, 32, st.BlocksAvailable);
        Put64(into, 40, st.Files);
        Put64(into, 48, st.FilesFree);            // 56: f_fsid, zero
        Put64(into, 64, st.MaxName);
        Put64(into, 72, st.FragmentSize);
        Put64(into, 80, st.Flags);
    }

    /// <summary>The mode a file without Unix metadata gets from its kind (a scheme that answers
    /// only size and kind: mode 0).</summary>
    public static uint ModeOf(FileKind kind) => kind switch
    {
        FileKind.Directory => FileModes.Directory | 0x1ED,      // 0755
        FileKind.Symlink => FileModes.Symlink | 0x1FF,
        FileKind.Device => FileModes.CharDevice | 0x1B6,        // 0666
        FileKind.Pipe or FileKind.Channel => FileModes.Fifo | 0x180,
        _ => FileModes.Regular | 0x1A4,                         // 0644
    };

    /// <summary>linux_dirent64's d_type for a Vireo FileKind (DT_REG 8, DT_DIR 4, DT_LNK 10, DT_CHR 2,
    /// DT_FIFO 1, DT_UNKNOWN 0).</summary>
    public static byte DirentType(FileKind kind) => kind switch
    {
        FileKind.File or FileKind.Memory => 8,
        FileKind.Directory => 4,
        FileKind.Symlink => 10,
        FileKind.Device => 2,
        FileKind.Pipe or FileKind.Channel => 1,
        _ => 0,
    };

    /// <summary>Packs the Getdents records in `records` as linux_dirent64 entries into `into`, each
    /// 8-byte aligned with its name NUL-terminated; d_off counts entries from `firstIndex`, d_ino is
    /// the entry's index + 1 (Getdents carries no inode numbers). Stops at the first record that does
    /// not fit; `consumed` says how many record bytes were packed. Returns the bytes written.</summary>
    public static int PackDirents(ReadOnlySpan<byte> records, Span<byte> into, ulong firstIndex, out int consumed, out int entries)
    {
        int at = 0;
        consumed = 0;
        entries = 0;
        while (consumed + 2 <= records.Length)
        {
            int nameLength = records[consumed + 1];
            if (consumed + 2 + nameLength > records.Length) break;
            int length = (19 + nameLength + 1 + 7) & ~7;
            if (at + length > into.Length) break;
            ulong index = firstIndex + (ulong)entries;
            into.Slice(at, length).Clear();
            Put64(into, at, index + 1);                     // d_ino
            Put64(into, at + 8, index + 1);                 // d_off: where the next entry starts
            into[at + 16] = (byte)length;                   // d_reclen
            into[at + 17] = (byte)(length >> 8);
            into[at + 18] = DirentType((FileKind)records[consumed]);
            records.Slice(consumed + 2, nameLength).CopyTo(into.Slice(at + 19));
            at += length;
            consumed += 2 + nameLength;
            entries++;
        }
        return at;
    }

    private static void Put64(Span<byte> b, int at, ulong v)
    {
        for (int i = 0; i < 8; i++) b[at + i] = (byte)(v >> (8 * i));
    }

    private static void Put32(Span<byte> b, int at, uint v)
    {
        for (int i = 0; i < 4; i++) b[at + i] = (byte)(v >> (8 * i));
    }
}
